"""Validators and cache headers on what many servers fetch (issue 11): a stored Note, its kept
versions and actor documents carry a strong ETag of the exact bytes, may be kept by shared
caches that revalidate, and are answered 304 to a matching If-None-Match; an edit changes the
Note's tag, a deleted work answers 410 to a stale tag, and pages for a logged-in person are
never shared-cached."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.publishing import delete_contribution, edit_contribution, publish_contribution
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.vocabulary import Visibility
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.store.models import Account, Contribution
from fediverse_hit.web.validators import none_match

pytestmark = pytest.mark.anyio

AS2 = {"Accept": "application/activity+json"}


def sha256_tag(body: bytes) -> str:
    return '"' + base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode() + '"'


async def publish(app: Starlette, alice: Account, visibility: str = Visibility.PUBLIC) -> Contribution:
    draft = Draft(title="Night swim", source="Water at midnight.", visibility=visibility)
    return await publish_contribution(await alice.actor, draft, app.state.fetcher)


async def test_note_carries_a_strong_etag_of_its_bytes_and_headers_a_shared_cache_may_honour(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    response = await anonymous.get(piece.uri, headers=AS2)
    assert response.status_code == 200
    assert response.headers["etag"] == sha256_tag(response.content)
    assert response.headers["cache-control"] == "public, no-cache"
    assert response.headers["vary"] == "Accept"


async def test_note_is_answered_304_without_a_body_to_its_etag(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    tag = (await anonymous.get(piece.uri, headers=AS2)).headers["etag"]
    again = await anonymous.get(piece.uri, headers={**AS2, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == "public, no-cache"
    assert again.headers["vary"] == "Accept"


async def test_a_tag_that_does_not_match_gets_the_whole_note(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    response = await anonymous.get(piece.uri, headers={**AS2, "If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.json()["id"] == piece.uri


async def test_an_edit_changes_the_notes_etag_and_version_1_keeps_its_own(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    before = (await anonymous.get(piece.uri, headers=AS2)).headers["etag"]
    version_1 = f"{piece.uri}/versions/1"
    version_tag = (await anonymous.get(version_1, headers=AS2)).headers["etag"]
    assert version_tag == before  # version 1 is the current Note, byte for byte
    await edit_contribution(piece.author, piece, Draft(title="Night swim", source="Water at dawn."), app.state.fetcher)
    after = await anonymous.get(piece.uri, headers={**AS2, "If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["etag"] != before and "Water at dawn." in after.json()["content"]
    assert (await anonymous.get(version_1, headers={**AS2, "If-None-Match": version_tag})).status_code == 304


async def test_a_deleted_work_answers_410_to_the_etag_it_had(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    piece = await publish(app, alice)
    tag = (await anonymous.get(piece.uri, headers=AS2)).headers["etag"]
    version_tag = (await anonymous.get(f"{piece.uri}/versions/1", headers=AS2)).headers["etag"]
    await delete_contribution(piece.author, piece, urls)
    gone = await anonymous.get(piece.uri, headers={**AS2, "If-None-Match": tag})
    assert gone.status_code == 410 and gone.json()["type"] == "Tombstone"
    assert (await anonymous.get(f"{piece.uri}/versions/1", headers={**AS2, "If-None-Match": version_tag})).status_code == 410


async def test_actor_document_has_a_validator_and_a_new_one_when_it_changes(
    anonymous: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    first = await anonymous.get(urls.user("alice"), headers=AS2)
    assert first.headers["etag"] == sha256_tag(first.content)
    assert first.headers["cache-control"] == "public, no-cache" and first.headers["vary"] == "Accept"
    assert (await anonymous.get(urls.user("alice"), headers={**AS2, "If-None-Match": first.headers["etag"]})).status_code == 304
    actor = await alice.actor
    actor.name = "Alice Liddell"
    await actor.save(update_fields=["name"])
    changed = await anonymous.get(urls.user("alice"), headers={**AS2, "If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.json()["name"] == "Alice Liddell"


async def test_instance_actor_is_answered_304_to_its_etag(anonymous: httpx.AsyncClient, urls: InstanceUrls) -> None:
    tag = (await anonymous.get(urls.instance_actor(), headers=AS2)).headers["etag"]
    assert (await anonymous.get(urls.instance_actor(), headers={**AS2, "If-None-Match": tag})).status_code == 304


async def test_a_followers_only_contribution_is_never_marked_for_shared_caches(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice, Visibility.FOLLOWERS)
    response = await anonymous.get(piece.uri, headers=AS2)
    assert response.status_code == 404
    assert "etag" not in response.headers
    assert "public" not in response.headers.get("cache-control", "")


async def test_pages_for_a_logged_in_person_are_never_shared_cached(
    app: Starlette, client: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    for path in ("/home", "/local", piece.uri, "/@alice"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-store"


async def test_a_page_for_an_anonymous_visitor_is_not_marked_public(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    response = await anonymous.get(piece.uri)
    assert response.status_code == 200
    assert "public" not in response.headers.get("cache-control", "")


def test_if_none_match_compares_weakly_and_accepts_lists_and_a_star() -> None:
    assert none_match('"abc"', '"abc"')
    assert none_match('W/"abc"', '"abc"')
    assert none_match('"x", W/"abc" ,"y"', '"abc"')
    assert none_match("*", '"abc"')
    assert not none_match('"abcd"', '"abc"')
    assert not none_match("", '"abc"')
    assert not none_match('"ab"', '"abc"')
