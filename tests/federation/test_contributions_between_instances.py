"""Contributions across real instances (subprocesses, own databases, real signed HTTP): what
followers see in their home timeline after a post, an edit and a deletion; replies, likes and
boosts with their undos both ways; and who must never see followers-only and direct posts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from tests.federation_steps import PASSWORD, c2s, eventually, fetch_as2, make_user, members
from tests.instances import Instance, InstanceFactory
from tests.web_session import logged_in

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def follow(instance: Instance, name: str, token: str, follower: str, target: str, target_instance: Instance, target_name: str) -> None:
    assert c2s(instance, name, token, {"type": "Follow", "actor": follower, "object": target}).status_code == 201
    eventually(lambda: follower in members(target_instance, target_name, "followers"), f"{follower} follows {target}")


_SESSIONS: dict[tuple[str, str], httpx.Client] = {}


@pytest.fixture(autouse=True)
def _close_sessions() -> Iterator[None]:
    yield
    while _SESSIONS:
        _SESSIONS.popitem()[1].close()


def page_text(instance: Instance, username: str, path: str) -> str:
    """A page as `username` sees it (one logged-in session per person, kept for the test)."""
    key = (instance.base_url, username)
    if key not in _SESSIONS:
        _SESSIONS[key] = logged_in(instance.base_url, username, PASSWORD)
    response = _SESSIONS[key].get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def collection_size(url: str) -> int:
    status, document = fetch_as2(url)
    return int(document["totalItems"]) if status == 200 else -1


def test_post_edit_and_delete_reach_the_followers_home_timeline(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    ada, ada_token = make_user(a, "ada")
    bashir, bashir_token = make_user(b, "bashir")
    follow(b, "bashir", bashir_token, bashir, ada, a, "ada")

    posted = c2s(a, "ada", ada_token, {"type": "Note", "name": "Tide tables", "content": "High water at six.", "to": [PUBLIC]})
    assert posted.status_code == 201
    note_id = posted.headers["location"]
    eventually(lambda: "Tide tables" in page_text(b, "bashir", "/home"), "bashir's home shows the new post")

    update = {"type": "Update", "object": {"id": note_id, "type": "Note", "name": "Tide tables", "content": "High water at seven."}}
    assert c2s(a, "ada", ada_token, update).status_code == 201
    eventually(lambda: "High water at seven." in page_text(b, "bashir", "/home"), "bashir sees the new version")
    assert "High water at six." not in page_text(b, "bashir", "/home")
    assert fetch_as2(f"{note_id}/versions/1")[1]["content"].endswith("High water at six.</p>")

    assert c2s(a, "ada", ada_token, {"type": "Delete", "object": note_id}).status_code == 201
    assert fetch_as2(note_id)[0] == 410
    eventually(lambda: "Tide tables" not in page_text(b, "bashir", "/home"), "the post is gone from bashir's home")


def test_replies_likes_and_boosts_flow_both_ways_and_undo(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    ada, ada_token = make_user(a, "ada")
    bashir, bashir_token = make_user(b, "bashir")
    follow(b, "bashir", bashir_token, bashir, ada, a, "ada")
    follow(a, "ada", ada_token, ada, bashir, b, "bashir")
    note_id = c2s(a, "ada", ada_token, {"type": "Note", "name": "Harbour sketch", "content": "Charcoal.", "to": [PUBLIC]}).headers["location"]
    eventually(lambda: "Harbour sketch" in page_text(b, "bashir", "/home"), "bashir has the post")

    reply = c2s(b, "bashir", bashir_token, {"type": "Note", "content": "Lovely lines.", "inReplyTo": note_id, "to": [PUBLIC]})
    assert reply.status_code == 201
    reply_id = reply.headers["location"]
    eventually(lambda: collection_size(f"{note_id}/replies") == 1, "ada's replies collection counts the reply")
    assert members_of(f"{note_id}/replies") == [reply_id]
    eventually(lambda: "bashir" in page_text(a, "ada", "/notifications"), "ada is notified of the reply")

    like = c2s(b, "bashir", bashir_token, {"type": "Like", "object": note_id})
    boost = c2s(b, "bashir", bashir_token, {"type": "Announce", "object": note_id, "to": [PUBLIC]})
    assert like.status_code == 201 and boost.status_code == 201
    eventually(lambda: collection_size(f"{note_id}/likes") == 1, "ada's post counts bashir's like")
    eventually(lambda: collection_size(f"{note_id}/shares") == 1, "ada's post counts bashir's boost")
    assert c2s(b, "bashir", bashir_token, {"type": "Undo", "object": like.headers["location"]}).status_code == 201
    assert c2s(b, "bashir", bashir_token, {"type": "Undo", "object": boost.headers["location"]}).status_code == 201
    eventually(lambda: collection_size(f"{note_id}/likes") == 0, "the like is undone on ada's server")
    eventually(lambda: collection_size(f"{note_id}/shares") == 0, "the boost is undone on ada's server")

    eventually(lambda: "Lovely lines." in page_text(a, "ada", f"/contributions/{note_id.rsplit('/', 1)[1]}"), "ada's page shows the reply")
    ada_like = c2s(a, "ada", ada_token, {"type": "Like", "object": reply_id})
    assert ada_like.status_code == 201
    eventually(lambda: collection_size(f"{reply_id}/likes") == 1, "bashir's reply counts ada's like")
    assert c2s(a, "ada", ada_token, {"type": "Undo", "object": ada_like.headers["location"]}).status_code == 201
    eventually(lambda: collection_size(f"{reply_id}/likes") == 0, "ada's like is undone on bashir's server")


def members_of(collection_url: str) -> list[str]:
    status, head = fetch_as2(collection_url)
    assert status == 200
    return list(fetch_as2(head["first"])[1]["orderedItems"])


def test_followers_only_and_direct_posts_never_reach_the_wrong_people(instances: InstanceFactory) -> None:
    a, b, c = instances.start(3)
    ada, ada_token = make_user(a, "ada")
    make_user(a, "eve")  # a local non-follower on ada's own server
    bashir, bashir_token = make_user(b, "bashir")
    chen, chen_token = make_user(c, "chen")
    follow(b, "bashir", bashir_token, bashir, ada, a, "ada")
    assert httpx.get(c.url("/search"), params={"q": ada}).status_code == 200  # chen's server knows ada

    followers = a.url("/users/ada/followers")
    private = c2s(a, "ada", ada_token, {"type": "Note", "name": "For followers", "content": "Only my followers.", "to": [followers]})
    direct = c2s(a, "ada", ada_token, {"type": "Note", "name": "For chen", "content": f"Psst @chen@{c.domain}", "to": [chen]})
    public = c2s(a, "ada", ada_token, {"type": "Note", "name": "For everyone", "content": "Hello world.", "to": [PUBLIC]})
    assert private.status_code == direct.status_code == public.status_code == 201

    eventually(lambda: "For everyone" in page_text(b, "bashir", "/home"), "bashir has the public post")
    eventually(lambda: "For followers" in page_text(b, "bashir", "/home"), "bashir, a follower, has the followers-only post")
    eventually(lambda: "For chen" in page_text(c, "chen", "/notifications"), "chen is notified of the direct post")

    for instance, user, path in [
        (b, "bashir", "/home"), (b, "bashir", "/federated"), (b, "bashir", "/notifications"),
        (c, "chen", "/home"), (c, "chen", "/federated"), (c, "chen", "/local"),
        (a, "eve", "/home"), (a, "eve", "/local"), (a, "eve", "/federated"), (a, "eve", "/@ada"),
    ]:
        text = page_text(instance, user, path)
        if user != "chen":
            assert "For chen" not in text, (user, path)
        if user != "bashir":
            assert "For followers" not in text, (user, path)
    for location in (private.headers["location"], direct.headers["location"]):
        assert fetch_as2(location)[0] == 404  # not served to anyone fetching
        assert "Only my followers." not in httpx.get(location).text  # nor to an anonymous browser
        with closing(logged_in(a.base_url, "eve", PASSWORD)) as web:
            assert web.get(location).status_code == 404  # nor to a logged-in non-follower
