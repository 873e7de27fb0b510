"""Real activities from Mastodon, GoToSocial and Pixelfed (tests/fixtures/activities/) replayed
against a real instance by an independent peer: only hosts, actors and the objects they point at
are swapped for the test's, then we look at what a local person would see."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any

import httpx
import pytest

from tests.federation.inbound_support import (
    counts,
    create_user,
    deliver,
    follow_peer,
    local_contribution,
    notifications,
    stored,
)
from tests.instances import Instance, InstanceFactory
from tests.peer import AS2, Peer

pytestmark = pytest.mark.federation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activities"
# Accounts of the captures, most specific first: each becomes the peer's actor.
THEIR_ACTORS = (
    "http://mastodon.example.org/users/admin",
    "http://mastodon.example.org/users/gargron",
    "http://localhost:8080/users/the_mighty_zork",
    "https://pixelfed.social/users/mczachurski",
)
THEIR_HOSTS = ("http://mastodon.example.org", "http://localhost:8080", "https://pixelfed.social")


def replay(name: str, peer: Peer, replacements: dict[str, str] | None = None) -> dict[str, Any]:
    """The fixture with its sender turned into the peer, plus the test's own replacements."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        text = text.replace(old, new)
    for actor in THEIR_ACTORS:
        text = text.replace(actor, peer.actor_id)
    for host in THEIR_HOSTS:
        text = text.replace(host, peer.base)
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.fixture(scope="module")
def instance(module_instances: InstanceFactory) -> Instance:
    [started] = module_instances.start(1)
    return started


def test_mastodon_create_mentioning_a_local_person(instance: Instance, peer: Peer) -> None:
    lain = create_user(instance, "lain")
    activity = replay("mastodon-create-note.json", peer, {"http://localtesting.pleroma.lol/users/lain": lain})
    deliver(peer, instance, activity)  # nobody follows the peer: kept because it mentions lain

    uri = activity["object"]["id"]
    contribution = stored(instance, uri)
    assert contribution is not None
    assert (contribution.summary, contribution.sensitive, contribution.visibility) == ("cw", True, "public")
    assert contribution.url == f"{peer.base}/@admin/99512778738411822"
    assert json.loads(contribution.raw_json or "") == activity["object"]
    assert [m.actor.uri for m in contribution.mentions] == [lain]
    assert notifications(instance, "lain") == [("mention", peer.actor_id, uri)]


def test_mastodon_create_mentioning_a_project_is_a_submission(instance: Instance, peer: Peer) -> None:
    # The same captured Mastodon post, its Mention (tag, cc and h-card link) now naming a project:
    # a plain Mastodon post that mentions a project is submitted to it (issue 17).
    create_user(instance, "ines")
    instance.cli("project", "create", "harbour", "--title", "Harbour Sounds", "--curator", "ines")
    project = instance.url("/projects/harbour")
    handle = f"@harbour@{urlsplit(instance.base_url).netloc}"
    activity = replay("mastodon-create-note.json", peer, {
        "http://localtesting.pleroma.lol/users/lain": project, "@lain@localtesting.pleroma.lol": handle,
    })
    assert activity["object"]["tag"] == [{"href": project, "name": handle, "type": "Mention"}]
    deliver(peer, instance, activity)

    uri = activity["object"]["id"]
    submissions = httpx.get(f"{project}/submissions", headers={"Accept": AS2}, timeout=10).json()
    assert submissions["orderedItems"] == [uri]
    assert notifications(instance, "ines") == [("submission", peer.actor_id, uri)]


def test_mastodon_like_and_its_undo_by_reference(instance: Instance, peer: Peer) -> None:
    create_user(instance, "ola")
    liked = local_contribution(instance, "ola")
    target = {"http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454": liked}
    deliver(peer, instance, replay("mastodon-like.json", peer, target))
    assert counts(instance, liked).likes == 1
    assert notifications(instance, "ola") == [("like", peer.actor_id, liked)]

    deliver(peer, instance, replay("mastodon-undo-like-compact-object.json", peer))
    assert counts(instance, liked).likes == 0
    assert notifications(instance, "ola") == []


def test_mastodon_announce_and_its_undo(instance: Instance, peer: Peer) -> None:
    create_user(instance, "pia")
    boosted = local_contribution(instance, "pia")
    deliver(peer, instance, replay("mastodon-announce.json", peer, {"http://mastodon.example.org/@admin/99541947525187367": boosted}))
    assert counts(instance, boosted).shares == 1
    assert notifications(instance, "pia") == [("boost", peer.actor_id, boosted)]

    # The captured Undo embeds an Announce with another id: matched by actor and object instead.
    undo = replay("mastodon-undo-announce.json", peer, {"http://lostallofmy.faith/objects/acc592f0-093a-4326-856e-2ab30947ef11": boosted})
    deliver(peer, instance, undo)
    assert counts(instance, boosted).shares == 0


def test_mastodon_delete_before_its_create_keeps_it_deleted(instance: Instance, peer: Peer) -> None:
    tia = create_user(instance, "tia")
    delete = replay("mastodon-delete.json", peer)
    deliver(peer, instance, delete)
    gone = delete["object"]["id"]
    activity = replay("mastodon-create-note.json", peer, {
        "http://localtesting.pleroma.lol/users/lain": tia,
        "http://mastodon.example.org/users/admin/statuses/99512778738411822": gone,
    })
    assert activity["object"]["id"] == gone
    deliver(peer, instance, activity)

    contribution = stored(instance, gone)
    assert contribution is not None and contribution.deleted_at is not None and contribution.content_html == ""
    assert notifications(instance, "tia") == []


def test_gotosocial_create_with_interaction_policy(instance: Instance, peer: Peer) -> None:
    create_user(instance, "quin")
    follow_peer(instance, peer, "quin")
    activity = replay("gotosocial-create-note.json", peer)
    deliver(peer, instance, activity)

    contribution = stored(instance, activity["object"]["id"])
    assert contribution is not None
    assert (contribution.content_html, contribution.language) == ("hello everyone!", "en")
    assert (contribution.summary, contribution.sensitive, contribution.visibility) == ("introduction post", True, "public")
    assert json.loads(contribution.raw_json or "")["interactionPolicy"]["canLike"]["always"] == [
        "https://www.w3.org/ns/activitystreams#Public"
    ]


def test_gotosocial_create_by_iri_is_fetched_and_kept_as_served(instance: Instance, peer: Peer) -> None:
    create_user(instance, "rua")
    follow_peer(instance, peer, "rua")
    served = replay("gotosocial-create-note.json", peer)["object"]
    served["@context"] = "https://www.w3.org/ns/activitystreams"
    peer.objects[served["id"].removeprefix(peer.base)] = served
    activity = replay("gotosocial-create-iri-only.json", peer)
    assert activity["object"] == served["id"]
    deliver(peer, instance, activity)

    contribution = stored(instance, served["id"])
    assert contribution is not None and contribution.content_html == "hello everyone!"
    assert json.loads(contribution.raw_json or "") == served


def test_pixelfed_photo_post(instance: Instance, peer: Peer) -> None:
    create_user(instance, "sol")
    follow_peer(instance, peer, "sol")
    activity = replay("pixelfed-create-photo.json", peer)
    deliver(peer, instance, activity)

    contribution = stored(instance, activity["object"]["id"])
    assert contribution is not None and contribution.kind == "image"
    assert sorted(tag.name for tag in contribution.tags) == ["colorphotography", "streetphotography"]
    [photo] = contribution.attachments
    assert photo.remote_url is not None and photo.remote_url.startswith("https://pxscdn.com/")
    assert (photo.width, photo.height, photo.media_type) == (1620, 1080, "image/jpeg")
    assert photo.description.startswith("Stickers on the glass")
    assert contribution.content_html.startswith("Shadows") and "#streetphotography" in contribution.content_html
