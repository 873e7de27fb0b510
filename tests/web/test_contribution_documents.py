"""Contributions as ActivityPub documents on one instance: what a client posts to the outbox
becomes a signed Note (DESIGN §7) served byte for byte, with kept versions, a Tombstone and
410 after deletion, collections, and non-public contributions never served as AS2."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette

from fediverse_hit.federation.publishing import delete_contribution, edit_contribution, set_pinned
from fediverse_hit.federation.relationships import follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.integrity_proofs import verify_proof
from fediverse_hit.protocol.keys import multibase_to_public_key
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.contribution_rules import Draft, can_view
from fediverse_hit.services.tokens import create_token
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Account, Actor, Block, MediaAttachment

pytestmark = pytest.mark.anyio

AS2 = {"Accept": "application/activity+json"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.fixture
async def ada(urls: InstanceUrls) -> Account:
    return await create_account("ada", "correct horse battery", urls)


@pytest.fixture
async def ada_token(ada: Account) -> str:
    return await create_token(ada, "tests")


async def post_note(client: httpx.AsyncClient, token: str, **fields: Any) -> httpx.Response:
    note = {"type": "Note", "name": "Night swim", "content": "<p>Water at midnight.</p>", **fields}
    return await client.post(
        "/users/ada/outbox", json=note, headers={"Authorization": f"Bearer {token}", **AS2}
    )


async def fetch_json(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, dict[str, Any]]:
    response = await client.get(url, headers=AS2)
    return response, response.json()


def verify_with_actor_key(document: dict[str, Any], actor: dict[str, Any]) -> None:
    methods = {method["id"]: method for method in actor["assertionMethod"]}

    def resolve(key_id: str) -> Any:
        return multibase_to_public_key(methods[key_id]["publicKeyMultibase"])

    verify_proof(document, resolve)


async def test_posted_note_is_served_signed_with_every_field_mastodon_reads(
    client: httpx.AsyncClient, ada_token: str, urls: InstanceUrls
) -> None:
    created = await post_note(
        client, ada_token, contentMap={"en": "<p>Water at midnight.</p>"}, to=[PUBLIC], sensitive=False
    )
    assert created.status_code == 201
    location = created.headers["location"]
    assert urls.parse_contribution(location) is not None

    response, note = await fetch_json(client, location)
    assert response.headers["content-type"].startswith("application/activity+json")
    assert note["type"] == "Note" and note["id"] == location and note["attributedTo"] == urls.user("ada")
    assert note["content"].startswith("<p><strong>Night swim</strong></p>")
    assert "Water at midnight." in note["content"] and note["contentMap"]["en"] == note["content"]
    assert note["license"] == CC_BY_SA and note["schema:license"] == CC_BY_SA  # instance default
    assert note["fhit:kind"] == "text"
    assert note["to"] == [PUBLIC] and note["cc"] == [urls.user_collection("ada", "followers")]
    assert note["interactionPolicy"]["canQuote"]["automaticApproval"] == [PUBLIC]
    assert note["replies"].endswith("/replies") and note["likes"].endswith("/likes")
    _, actor = await fetch_json(client, urls.user("ada"))
    verify_with_actor_key(note, actor)

    version = await client.get(f"{location}/versions/1", headers=AS2)
    assert version.content == response.content  # the same signed bytes, never re-serialized


async def test_a_tampered_note_no_longer_verifies(
    client: httpx.AsyncClient, ada_token: str, urls: InstanceUrls
) -> None:
    location = (await post_note(client, ada_token)).headers["location"]
    _, note = await fetch_json(client, location)
    _, actor = await fetch_json(client, urls.user("ada"))
    tampered = {**note, "content": note["content"].replace("midnight", "noon")}
    with pytest.raises(ValueError):
        verify_with_actor_key(tampered, actor)


async def test_hostile_html_from_a_client_never_reaches_the_note(
    client: httpx.AsyncClient, ada_token: str
) -> None:
    hostile = (
        '<p onclick="steal()">Hi<script>alert(1)</script></p><style>body{}</style>'
        '<a href="javascript:alert(2)">x</a><img src=x onerror="alert(3)">'
    )
    created = await post_note(client, ada_token, name="<script>alert(4)</script>", content=hostile)
    _, note = await fetch_json(client, created.headers["location"])
    for vector in ("<script", "onclick", "onerror", "javascript:", "<style", "<img"):
        assert vector not in note["content"], vector
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in note["content"]  # the title is text, escaped


async def test_edit_keeps_every_version_and_marks_the_note_updated(
    app: Starlette, client: httpx.AsyncClient, ada_token: str
) -> None:
    location = (await post_note(client, ada_token)).headers["location"]
    first = (await client.get(location, headers=AS2)).content
    contribution = await find_contribution_by_uri(location)
    assert contribution is not None
    await edit_contribution(
        contribution.author, contribution, Draft(title="Night swim", source="Water at **dawn**."), app.state.fetcher
    )
    _, note = await fetch_json(client, location)
    assert "<strong>dawn</strong>" in note["content"] and "updated" in note
    assert (await client.get(f"{location}/versions/1", headers=AS2)).content == first
    assert (await client.get(f"{location}/versions/2", headers=AS2)).json() == note
    assert (await client.get(f"{location}/versions/3", headers=AS2)).status_code == 404


async def test_deleted_contribution_answers_410_with_a_tombstone_and_its_id_is_not_reused(
    app: Starlette, client: httpx.AsyncClient, ada_token: str, urls: InstanceUrls
) -> None:
    location = (await post_note(client, ada_token)).headers["location"]
    contribution = await find_contribution_by_uri(location)
    assert contribution is not None
    await delete_contribution(contribution.author, contribution, urls)
    response, tombstone = await fetch_json(client, location)
    assert response.status_code == 410 and tombstone["type"] == "Tombstone" and tombstone["id"] == location
    assert (await client.get(f"{location}/versions/1", headers=AS2)).status_code == 410
    assert (await post_note(client, ada_token)).headers["location"] != location


async def test_followers_only_and_direct_contributions_are_not_served_to_anyone_fetching(
    client: httpx.AsyncClient, ada_token: str, urls: InstanceUrls
) -> None:
    followers = urls.user_collection("ada", "followers")
    private = (await post_note(client, ada_token, to=[followers])).headers["location"]
    direct = (await post_note(client, ada_token, to=[urls.user("ada")])).headers["location"]
    for location in (private, direct):
        assert (await client.get(location, headers=AS2)).status_code == 404
        assert (await client.get(f"{location}/versions/1", headers=AS2)).status_code == 404
        assert (await client.get(f"{location}/replies", headers=AS2)).status_code == 404
    public = (await post_note(client, ada_token)).headers["location"]
    _, outbox = await fetch_json(client, urls.user_collection("ada", "outbox"))
    assert outbox["totalItems"] == 1
    _, page = await fetch_json(client, outbox["first"])
    assert [item["object"]["id"] for item in page["orderedItems"]] == [public]
    assert page["orderedItems"][0]["type"] == "Create"


async def test_replies_collection_lists_a_reply(
    client: httpx.AsyncClient, ada_token: str, urls: InstanceUrls
) -> None:
    parent = (await post_note(client, ada_token)).headers["location"]
    reply = (await post_note(client, ada_token, name="", content="Me too", inReplyTo=parent)).headers["location"]
    _, note = await fetch_json(client, reply)
    assert note["inReplyTo"] == parent
    _, replies = await fetch_json(client, f"{parent}/replies")
    assert replies["totalItems"] == 1
    _, page = await fetch_json(client, replies["first"])
    assert page["orderedItems"] == [reply]


async def test_pinned_contribution_is_in_the_featured_collection(
    client: httpx.AsyncClient, ada: Account, ada_token: str, urls: InstanceUrls
) -> None:
    location = (await post_note(client, ada_token)).headers["location"]
    contribution = await find_contribution_by_uri(location)
    assert contribution is not None
    author = await Actor.get(id=ada.actor_id)  # type: ignore[attr-defined]
    await set_pinned(author, contribution, True, urls)
    _, featured = await fetch_json(client, urls.user_collection("ada", "featured"))
    assert [item["id"] for item in featured["orderedItems"]] == [location]
    assert "proof" in featured["orderedItems"][0]


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"type": "Question"}, 422, "This outbox accepts"),
        ({"license": "https://example.org/all-rights-reserved"}, 422, "Creative Commons"),
        ({"attachment": [{"id": str(n)} for n in range(5)]}, 422, "At most 4"),
        ({"attachment": [{"url": "https://elsewhere.example/x.png"}]}, 422, "uploaded file"),
        ({"name": "", "content": ""}, 422, "needs a title"),
        # The contribution replied to is a resource that is not here, as on its page.
        ({"inReplyTo": "https://elsewhere.example/notes/1"}, 404, "not known here"),
    ],
)
async def test_bad_client_objects_are_refused_with_a_reason(
    client: httpx.AsyncClient, ada_token: str, fields: dict[str, Any], status: int, message: str
) -> None:
    response = await post_note(client, ada_token, **fields)
    assert response.status_code == status
    assert message in json.dumps(response.json())


async def test_create_wrapping_something_other_than_a_note_is_refused(
    client: httpx.AsyncClient, ada_token: str
) -> None:
    target = (await post_note(client, ada_token)).headers["location"]
    sneaky = {"type": "Create", "object": {"type": "Like", "object": target}}
    response = await client.post("/users/ada/outbox", json=sneaky, headers={"Authorization": f"Bearer {ada_token}"})
    assert response.status_code == 422 and "Create needs an embedded Note" in response.text
    _, likes = await fetch_json(client, f"{target}/likes")
    assert likes["totalItems"] == 0


async def test_an_update_keeps_licence_and_language_it_does_not_mention(
    client: httpx.AsyncClient, ada_token: str
) -> None:
    cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
    location = (await post_note(client, ada_token, license=cc0, contentMap={"fr": "<p>Nuit</p>"})).headers["location"]
    update = {"type": "Update", "object": {"id": location, "type": "Note", "name": "Night swim", "content": "Again"}}
    assert (await client.post("/users/ada/outbox", json=update, headers={"Authorization": f"Bearer {ada_token}"})).status_code == 201
    _, note = await fetch_json(client, location)
    assert note["license"] == cc0 and list(note["contentMap"]) == ["fr"]


async def test_an_untitled_note_has_no_empty_title_markup(client: httpx.AsyncClient, ada_token: str) -> None:
    _, note = await fetch_json(client, (await post_note(client, ada_token, name="")).headers["location"])
    assert "<strong></strong>" not in note["content"] and note["content"].startswith("<p>Water")


async def test_an_edit_cannot_change_the_alt_text_of_another_contributions_file(
    client: httpx.AsyncClient, ada_token: str
) -> None:
    auth = {"Authorization": f"Bearer {ada_token}"}
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 200)).save(buffer, "PNG")
    upload = await client.post("/api/media", files={"file": ("a.png", buffer.getvalue(), "image/png")},
                               data={"description": "Blue square"}, headers=auth)
    media_id = upload.json()["id"]
    with_image = (await post_note(client, ada_token, attachment=[{"id": media_id}])).headers["location"]
    other = (await post_note(client, ada_token)).headers["location"]
    update = {"type": "Update", "object": {"id": other, "type": "Note", "name": "Night swim", "content": "x",
                                           "attachment": [{"id": media_id, "name": "Hijacked"}]}}
    await client.post("/users/ada/outbox", json=update, headers=auth)
    assert (await MediaAttachment.get(id=int(media_id))).description == "Blue square"
    _, note = await fetch_json(client, with_image)
    assert note["attachment"][0]["name"] == "Blue square"


async def test_the_create_activity_iri_is_served(client: httpx.AsyncClient, ada_token: str) -> None:
    location = (await post_note(client, ada_token)).headers["location"]
    response, create = await fetch_json(client, f"{location}/activity")
    assert response.status_code == 200 and create["type"] == "Create" and create["id"] == f"{location}/activity"
    assert create["object"]["id"] == location and "proof" in create["object"]


async def test_someone_the_author_blocks_cannot_see_even_public_contributions(
    client: httpx.AsyncClient, ada: Account, ada_token: str, urls: InstanceUrls
) -> None:
    location = (await post_note(client, ada_token)).headers["location"]
    contribution = await find_contribution_by_uri(location)
    mallory = await Actor.get(id=(await create_account("mallory", "correct horse battery", urls)).actor_id)  # type: ignore[attr-defined]
    assert contribution is not None and await can_view(mallory, contribution)
    await Block.create(blocker_id=ada.actor_id, blocked=mallory)  # type: ignore[attr-defined]
    assert not await can_view(mallory, contribution)
    assert await can_view(None, contribution)  # logged out, the public page stays public


async def _bea_posts(client: httpx.AsyncClient, urls: InstanceUrls, **fields: Any) -> str:
    """A Note Bea posts through her outbox; returns its IRI."""
    bea = await create_account("bea", "correct horse battery", urls)
    note = {"type": "Note", "name": "Bea's sketch", "content": "<p>Lines.</p>", **fields}
    headers = {"Authorization": f"Bearer {await create_token(bea, 'tests')}", **AS2}
    created = await client.post("/users/bea/outbox", json=note, headers=headers)
    assert created.status_code == 201
    return str(created.headers["location"])


async def _react(client: httpx.AsyncClient, token: str, kind: str, target: str) -> httpx.Response:
    return await client.post(
        "/users/ada/outbox", json={"type": kind, "object": target}, headers={"Authorization": f"Bearer {token}", **AS2}
    )


@pytest.mark.parametrize("kind", ["Like", "Announce"])
async def test_clients_cannot_like_or_boost_what_their_owner_may_not_see(
    client: httpx.AsyncClient, ada_token: str, urls: InstanceUrls, kind: str
) -> None:
    # Hostile: Ada names the IRI of a followers-only Note of someone she does not follow.
    hidden = await _bea_posts(client, urls, to=[urls.user_collection("bea", "followers")])
    response = await _react(client, ada_token, kind, hidden)
    assert response.status_code == 404  # as the Note itself: its existence is not revealed


async def test_followers_like_but_cannot_boost_followers_only_notes_through_the_outbox(
    client: httpx.AsyncClient, ada: Account, ada_token: str, urls: InstanceUrls
) -> None:
    followers_only = await _bea_posts(client, urls, to=[urls.user_collection("bea", "followers")])
    await follow_account(await Actor.get(username="ada"), await Actor.get(username="bea"), urls)
    assert (await _react(client, ada_token, "Like", followers_only)).status_code == 201
    refused = await _react(client, ada_token, "Announce", followers_only)
    assert refused.status_code == 403 and "Only public and unlisted" in refused.text
