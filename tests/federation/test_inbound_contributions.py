"""Contributions, replies, likes and boosts arriving from an independent peer (tests/peer.py) at a
real instance: what gets stored, what local people are told, and what hostile input cannot do."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.federation.inbound_support import (
    PUBLIC,
    counts,
    create,
    create_user,
    deliver,
    follow_peer,
    local_contribution,
    note,
    notifications,
    stored,
)
from tests.instances import Instance, InstanceFactory, free_port
from tests.peer import Peer, running_peer

pytestmark = pytest.mark.federation


@pytest.fixture(scope="module")
def instance(module_instances: InstanceFactory) -> Instance:
    """One instance for the module; each test has its own local people and its own peer."""
    [started] = module_instances.start(1)
    return started


@pytest.fixture
def mallory() -> Iterator[Peer]:
    """A second, unrelated peer on its own port."""
    with running_peer(Peer(port=free_port(), username="mallory", name="Mallory")) as running:
        yield running


def test_note_from_followed_peer_is_stored_with_its_json(instance: Instance, peer: Peer) -> None:
    create_user(instance, "anna")
    stranger_post = note(peer, 1)
    deliver(peer, instance, create(peer, stranger_post))
    assert stored(instance, stranger_post["id"]) is None  # nobody here follows the peer yet

    follow_peer(instance, peer, "anna")
    image = {"type": "Document", "mediaType": "image/png", "url": f"{peer.base}/media/1.png", "name": "A dog",
             "width": 640, "height": 480, "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj"}
    post = note(peer, 2, "<p>Look <a href=\"https://example.org/tags/Dogs\">#Dogs</a></p>",
                attachment=[image], tag=[{"type": "Hashtag", "name": "#Dogs", "href": "https://example.org/tags/dogs"}],
                summary="animals", sensitive=True, contentMap={"en": "<p>Look</p>"})
    deliver(peer, instance, create(peer, post))

    contribution = stored(instance, post["id"])
    assert contribution is not None and not contribution.local
    assert contribution.author.uri == peer.actor_id
    assert json.loads(contribution.raw_json or "") == post
    assert contribution.visibility == "public" and contribution.kind == "image"
    assert contribution.summary == "animals" and contribution.sensitive and contribution.language == "en"
    assert [tag.name for tag in contribution.tags] == ["dogs"]
    [attachment] = contribution.attachments
    assert attachment.remote_url == image["url"] and attachment.filename is None
    assert (attachment.description, attachment.width, attachment.blurhash) == ("A dog", 640, image["blurhash"])
    assert [(v.number, json.loads(v.document_json)) for v in contribution.versions] == [(1, post)]


def test_reply_to_a_local_contribution_is_linked_and_its_author_told(instance: Instance, peer: Peer) -> None:
    create_user(instance, "bea")
    parent = local_contribution(instance, "bea")
    reply = note(peer, 1, "<p>Nice one</p>", inReplyTo=parent)
    deliver(peer, instance, create(peer, reply))  # no follow needed: it answers one of ours

    contribution = stored(instance, reply["id"])
    assert contribution is not None and contribution.in_reply_to is not None
    assert contribution.in_reply_to.uri == parent and contribution.in_reply_to_uri == parent
    assert notifications(instance, "bea") == [("reply", peer.actor_id, reply["id"])]
    assert counts(instance, parent).replies == 1

    deliver(peer, instance, create(peer, reply, suffix="-again"))  # the same post delivered twice
    assert notifications(instance, "bea") == [("reply", peer.actor_id, reply["id"])]


def test_mention_of_a_local_person_tells_them(instance: Instance, peer: Peer) -> None:
    carl = create_user(instance, "carl")
    mention = {"type": "Mention", "href": carl, "name": f"@carl@{instance.domain}"}
    post = note(peer, 1, f'<p><a href="{carl}">@carl</a> hello</p>', tag=[mention], cc=[carl])
    deliver(peer, instance, create(peer, post))

    contribution = stored(instance, post["id"])
    assert contribution is not None
    assert [m.actor.uri for m in contribution.mentions] == [carl]
    assert notifications(instance, "carl") == [("mention", peer.actor_id, post["id"])]


def test_like_and_undo_like_change_the_count_and_the_notification(instance: Instance, peer: Peer) -> None:
    create_user(instance, "dora")
    liked = local_contribution(instance, "dora")
    like = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}#likes/1",
            "type": "Like", "actor": peer.actor_id, "object": liked}
    deliver(peer, instance, like)
    assert counts(instance, liked).likes == 1
    assert notifications(instance, "dora") == [("like", peer.actor_id, liked)]

    undo = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}#likes/1/undo",
            "type": "Undo", "actor": peer.actor_id, "object": {key: like[key] for key in ("id", "type", "actor", "object")}}
    deliver(peer, instance, undo)
    assert counts(instance, liked).likes == 0
    assert notifications(instance, "dora") == []

    deliver(peer, instance, {**like, "id": f"{peer.actor_id}#likes/2"})
    renamed = {**undo, "id": f"{peer.actor_id}#likes/2/undo", "object": {**undo["object"], "id": f"{peer.actor_id}#other"}}
    deliver(peer, instance, renamed)  # the embedded id differs: matched by actor and object
    assert counts(instance, liked).likes == 0


def test_like_by_someone_else_cannot_be_undone_by_another_actor(instance: Instance, peer: Peer, mallory: Peer) -> None:
    create_user(instance, "egon")
    liked = local_contribution(instance, "egon")
    like = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}#likes/1",
            "type": "Like", "actor": peer.actor_id, "object": liked}
    deliver(peer, instance, like)
    deliver(mallory, instance, {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{mallory.actor_id}#undo",
                                "type": "Undo", "actor": mallory.actor_id, "object": like["id"]})
    assert counts(instance, liked).likes == 1


def test_announce_and_undo_of_a_local_contribution(instance: Instance, peer: Peer) -> None:
    create_user(instance, "fay")
    boosted = local_contribution(instance, "fay")
    announce = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}/statuses/9/activity",
                "type": "Announce", "actor": peer.actor_id, "object": boosted,
                "to": [PUBLIC], "cc": [f"{peer.actor_id}/followers"]}
    deliver(peer, instance, announce)
    assert counts(instance, boosted).shares == 1
    assert notifications(instance, "fay") == [("boost", peer.actor_id, boosted)]

    undo = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}/statuses/9/undo",
            "type": "Undo", "actor": peer.actor_id, "object": announce}
    deliver(peer, instance, undo)
    assert counts(instance, boosted).shares == 0
    assert notifications(instance, "fay") == []


def test_announce_of_a_remote_post_by_a_followed_peer_fetches_it(instance: Instance, peer: Peer) -> None:
    create_user(instance, "gus")
    follow_peer(instance, peer, "gus")
    post = note(peer, 5, "<p>Fetched by its IRI</p>")
    peer.objects[f"/users/{peer.username}/statuses/5"] = {"@context": "https://www.w3.org/ns/activitystreams", **post}
    announce = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}/statuses/6/activity",
                "type": "Announce", "actor": peer.actor_id, "object": post["id"], "to": [PUBLIC]}
    deliver(peer, instance, announce)

    contribution = stored(instance, post["id"])
    assert contribution is not None and contribution.content_html == "<p>Fetched by its IRI</p>"
    assert json.loads(contribution.raw_json or "")["id"] == post["id"]
    assert counts(instance, post["id"]).shares == 1


def test_update_keeps_the_old_version_and_changes_the_content(instance: Instance, peer: Peer) -> None:
    create_user(instance, "hana")
    follow_peer(instance, peer, "hana")
    post = note(peer, 1, "<p>First draft</p>")
    deliver(peer, instance, create(peer, post))
    edited = {**post, "content": "<p>Second draft</p>", "updated": "2026-11-02T10:00:00Z"}
    update = {**create(peer, edited, suffix="#updates/1"), "type": "Update"}
    deliver(peer, instance, update)
    stale = {**post, "content": "<p>Older edit</p>", "updated": "2026-11-01T12:00:00Z"}
    deliver(peer, instance, {**create(peer, stale, suffix="#updates/0"), "type": "Update"})  # arrives late

    contribution = stored(instance, post["id"])
    assert contribution is not None and contribution.content_html == "<p>Second draft</p>"
    assert contribution.version == 2 and contribution.edited_at is not None
    versions = sorted((v.number, json.loads(v.document_json)["content"]) for v in contribution.versions)
    assert versions == [(1, "<p>First draft</p>"), (2, "<p>Second draft</p>")]


def test_a_first_edit_in_the_second_of_posting_is_applied(instance: Instance, peer: Peer) -> None:
    create_user(instance, "hugo")
    follow_peer(instance, peer, "hugo")
    post = note(peer, 1, "<p>Typo</p>")
    deliver(peer, instance, create(peer, post))
    same_second = {**post, "content": "<p>Fixed</p>", "updated": post["published"]}  # whole seconds on the wire
    deliver(peer, instance, {**create(peer, same_second, suffix="#updates/1"), "type": "Update"})
    contribution = stored(instance, post["id"])
    assert contribution is not None and contribution.content_html == "<p>Fixed</p>" and contribution.version == 2


def test_delete_leaves_a_tombstone_and_a_late_create_stays_deleted(instance: Instance, peer: Peer) -> None:
    create_user(instance, "ida")
    follow_peer(instance, peer, "ida")
    early, late = note(peer, 1), note(peer, 2)
    deliver(peer, instance, create(peer, early))
    for post in (early, late):
        deliver(peer, instance, {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{post['id']}#delete",
                                 "type": "Delete", "actor": peer.actor_id,
                                 "object": {"id": post["id"], "type": "Tombstone"}})
    deliver(peer, instance, create(peer, late))  # the Create comes after its Delete

    for post in (early, late):
        contribution = stored(instance, post["id"])
        assert contribution is not None and contribution.deleted_at is not None
    assert stored(instance, late["id"]).content_html == ""  # type: ignore[union-attr]


def test_delete_by_someone_else_than_the_author_is_ignored(instance: Instance, peer: Peer, mallory: Peer) -> None:
    create_user(instance, "jon")
    follow_peer(instance, peer, "jon")
    post = note(peer, 1)
    deliver(peer, instance, create(peer, post))
    deliver(mallory, instance, {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{mallory.actor_id}#delete",
                                "type": "Delete", "actor": mallory.actor_id, "object": post["id"]})
    contribution = stored(instance, post["id"])
    assert contribution is not None and contribution.deleted_at is None


def test_hostile_html_is_stored_sanitized(instance: Instance, peer: Peer) -> None:
    create_user(instance, "kim")
    follow_peer(instance, peer, "kim")
    hostile = ('<p onclick="steal()">Hi<script>alert(1)</script>'
               '<a href="javascript:alert(2)">x</a><img src=x onerror="alert(3)"></p>')
    post = note(peer, 1, hostile)
    deliver(peer, instance, create(peer, post))

    contribution = stored(instance, post["id"])
    assert contribution is not None
    html = contribution.content_html.lower()
    assert "<script" not in html and "alert(1)" not in html
    assert "onclick" not in html and "onerror" not in html and "javascript:" not in html
    assert "Hi" in contribution.content_html
    assert json.loads(contribution.raw_json or "")["content"] == hostile  # kept as received, never shown


def test_followers_only_note_is_stored_as_followers_only(instance: Instance, peer: Peer) -> None:
    create_user(instance, "lou")
    follow_peer(instance, peer, "lou")
    post = note(peer, 1, to=[f"{peer.actor_id}/followers"], cc=[])
    deliver(peer, instance, create(peer, post))
    contribution = stored(instance, post["id"])
    assert contribution is not None and contribution.visibility == "followers"


def test_follow_notifies_the_followed_person(instance: Instance, peer: Peer) -> None:
    mia = create_user(instance, "mia")
    deliver(peer, instance, {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}#follows/1",
                             "type": "Follow", "actor": peer.actor_id, "object": mia})
    assert notifications(instance, "mia") == [("follow", peer.actor_id, None)]


def test_create_of_someone_elses_post_is_ignored(instance: Instance, peer: Peer, mallory: Peer) -> None:
    create_user(instance, "noa")
    follow_peer(instance, peer, "noa")
    forged_author = note(peer, 1, attributedTo=f"{peer.base}/users/someone-else")
    deliver(peer, instance, create(peer, forged_author))
    elsewhere = note(peer, 2)
    elsewhere["id"] = f"{mallory.base}/notes/2"  # on another server, which would even serve it
    mallory.objects["/notes/2"] = elsewhere
    by_reference = {**create(peer, note(peer, 3)), "object": elsewhere["id"]}
    deliver(peer, instance, by_reference)
    assert stored(instance, forged_author["id"]) is None
    assert stored(instance, elsewhere["id"]) is None
