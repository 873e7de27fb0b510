"""`verify_online`: which copy of each pinned version the command trusts, decided in process.
Origins answer through an in-memory transport (the servers of chain_worlds' example hosts); the
real-instance flow is in test_chain_verify_between_instances.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from fediverse_hit.federation.chain_verification import OnlineReport, verify_online
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError, create_http_client
from fediverse_hit.protocol.attribution import Verdict
from fediverse_hit.protocol.chain_bundles import BundledObject, build_chain_bundle
from fediverse_hit.protocol.media_types import ACTIVITY_JSON
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.settings import load_settings
from tests.protocol.chain_worlds import Author, Cite, make_note

pytestmark = pytest.mark.anyio

ALICE = Author("a.example", "alice")
BOB = Author("b.example", "bob")
ORIGINAL = make_note(ALICE, 1, "Night bus")
EDITED = make_note(ALICE, 1, "Night bus, second draft")
REMIX = make_note(BOB, 7, "Night bus (song)", [Cite(ORIGINAL, 10000)])
PINNED = (str(ORIGINAL["id"]), compute_digest_multibase(ORIGINAL))


class Web:
    """What each URL answers: a document, or an HTTP status."""

    def __init__(self) -> None:
        self.answers: dict[str, Mapping[str, Any] | int] = {
            str(REMIX["id"]): REMIX, str(ORIGINAL["id"]): ORIGINAL,
            ALICE.id: ALICE.actor_document(), BOB.id: BOB.actor_document(),
        }

    def bundle(self, original: Mapping[str, Any] = ORIGINAL) -> None:
        """Serve the remix's chain bundle, holding `original` as the pinned version."""
        def entry(document: Mapping[str, Any], digest: str) -> BundledObject:
            return BundledObject(str(document["id"]), digest, json.dumps(document))

        actors = [(author.id, json.dumps(author.actor_document())) for author in (ALICE, BOB)]
        root = entry(REMIX, compute_digest_multibase(REMIX))
        self.answers[f"{REMIX['id']}/chain"] = build_chain_bundle(root, [entry(original, PINNED[1])], actors)

    def answer(self, request: httpx.Request) -> httpx.Response:
        found = self.answers.get(str(request.url), 404)
        if isinstance(found, int):
            return httpx.Response(found)
        media_type = "application/json" if str(request.url).endswith("/chain") else ACTIVITY_JSON
        return httpx.Response(200, stream=httpx.ByteStream(json.dumps(found).encode()), headers={"Content-Type": media_type})


@pytest.fixture
def web() -> Web:
    return Web()


@pytest.fixture
async def fetcher(web: Web, tmp_path: Path) -> AsyncIterator[Fetcher]:
    settings = load_settings({"HIT_DOMAIN": "verifier.test", "HIT_DATA_DIR": str(tmp_path)})
    async with create_http_client(settings, transport=httpx.MockTransport(web.answer)) as client:
        yield Fetcher(client, settings, None)


def links(online: OnlineReport) -> list[tuple[Verdict, str | None]]:
    return [(link.verdict, online.copies.get((link.object_id, link.digest))) for link in online.report.links]


async def test_every_version_from_its_origin_verifies(web: Web, fetcher: Fetcher) -> None:
    online = await verify_online(str(REMIX["id"]), fetcher)

    assert links(online) == [(Verdict.VERIFIED, "origin"), (Verdict.VERIFIED, "origin")]
    assert online.bundle_note == "no chain bundle: https://b.example/contributions/7/chain: HTTP 404"


async def test_source_edited_since_is_taken_from_the_roots_bundle(web: Web, fetcher: Fetcher) -> None:
    web.answers[str(ORIGINAL["id"])] = EDITED
    web.bundle()

    online = await verify_online(str(REMIX["id"]), fetcher)

    assert links(online) == [(Verdict.VERIFIED, "origin"), (Verdict.VERIFIED, "bundle")]
    assert online.bundle_note == "chain bundle from https://b.example/contributions/7/chain"


async def test_source_edited_since_with_no_bundle_is_unavailable_not_tampered(web: Web, fetcher: Fetcher) -> None:
    web.answers[str(ORIGINAL["id"])] = EDITED

    online = await verify_online(str(REMIX["id"]), fetcher)

    assert links(online)[1] == (Verdict.UNAVAILABLE, None)
    assert online.report.links[1].reason == (
        "no copy of the pinned version: its origin now serves another version and no bundle holds the pinned one"
    )


async def test_source_server_gone_and_no_bundle_names_the_answer(web: Web, fetcher: Fetcher) -> None:
    web.answers[str(ORIGINAL["id"])] = 410

    online = await verify_online(str(REMIX["id"]), fetcher)

    assert online.report.links[1].reason == "no copy of the pinned version: its origin answered: HTTP 410; no bundle holds it"


async def test_bundle_copy_altered_is_tampered_when_the_origin_cannot_vouch(web: Web, fetcher: Fetcher) -> None:
    web.answers[str(ORIGINAL["id"])] = 503
    web.bundle({**ORIGINAL, "content": "<p>Day bus</p>"})

    online = await verify_online(str(REMIX["id"]), fetcher)

    assert links(online)[1] == (Verdict.TAMPERED, "bundle")


async def test_authors_document_is_taken_from_the_bundle_when_their_server_is_down(web: Web, fetcher: Fetcher) -> None:
    web.answers[str(ORIGINAL["id"])] = 503
    web.answers[ALICE.id] = 503
    web.bundle()

    online = await verify_online(str(REMIX["id"]), fetcher)

    assert links(online) == [(Verdict.VERIFIED, "origin"), (Verdict.VERIFIED, "bundle")]


async def test_authors_document_unavailable_everywhere_makes_the_link_unavailable(web: Web, fetcher: Fetcher) -> None:
    web.answers[ALICE.id] = 503

    online = await verify_online(str(REMIX["id"]), fetcher)

    assert online.report.links[1].verdict is Verdict.UNAVAILABLE
    assert online.report.links[1].reason == f"author's key document unavailable: {ALICE.id}: HTTP 503"


async def test_unreachable_root_raises_fetch_error(web: Web, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError):
        await verify_online("https://b.example/contributions/404", fetcher)
