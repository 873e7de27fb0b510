"""`GET /contributions/{id}/chain`: the chain bundle of a work, enough to verify its whole
attribution chain with no network (docs/attribution-chains.md §4)."""

from __future__ import annotations

import json

import httpx
import pytest

from fediverse_hit.federation.chain_verification import verify_bundle
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.attribution import Verdict
from fediverse_hit.protocol.chain_bundles import parse_chain_bundle
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.services.contributions import delete_contribution
from fediverse_hit.store.models import Account, Contribution
from tests.chain_rows import keep_snapshots, store_local_work
from tests.protocol.chain_worlds import Author, Cite, make_note

pytestmark = pytest.mark.anyio

ALICE = Author("a.example", "alice")
BOB = Author("b.example", "bob")
ACTIVITY_JSON = {"Accept": "application/activity+json"}


async def remix_by(account: Account, urls: InstanceUrls) -> tuple[Contribution, dict[str, object], dict[str, object]]:
    """Our user's remix of Bob's remix of Alice's poem (both remote, kept as snapshots)."""
    original = make_note(ALICE, 1, "Night bus")
    song = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    await keep_snapshots([original, song], [ALICE, BOB])
    await account.fetch_related("actor")
    remix = await store_local_work(account.actor, urls, "Night bus (video)", [Cite(song, 10000)])
    return remix, song, original


async def test_bundle_holds_every_ancestor_version_and_author_and_verifies_offline(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    remix, song, original = await remix_by(alice, urls)

    response = await client.get(urls.contribution_chain(str(remix.local_id)))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    bundle = parse_chain_bundle(response.content)
    assert (bundle.root_id, sorted(bundle.actors)) == (remix.uri, sorted([ALICE.id, BOB.id, remix.author.uri]))
    assert sorted(bundle.objects) == sorted([
        (remix.uri, bundle.root_digest),
        (str(song["id"]), compute_digest_multibase(song)),
        (str(original["id"]), compute_digest_multibase(original)),
    ])
    report = verify_bundle(bundle)
    assert [link.verdict for link in report.links] == [Verdict.VERIFIED] * 3


async def test_bundle_root_is_the_note_served_byte_for_byte(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    remix, _song, _original = await remix_by(alice, urls)

    served = await client.get(remix.uri, headers=ACTIVITY_JSON)
    bundle = (await client.get(urls.contribution_chain(str(remix.local_id)))).json()

    assert bundle["objects"][0]["document"] == served.text
    assert bundle["root"]["digestMultibase"] == compute_digest_multibase(served.json())


async def test_bundle_altered_in_the_sources_content_no_longer_verifies(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    remix, _song, original = await remix_by(alice, urls)
    bundle = (await client.get(urls.contribution_chain(str(remix.local_id)))).json()
    entry = next(item for item in bundle["objects"] if item["id"] == original["id"])
    entry["document"] = entry["document"].replace("Night bus", "Day bus")

    report = verify_bundle(parse_chain_bundle(json.dumps(bundle)))

    assert [link.verdict for link in report.links] == [Verdict.VERIFIED, Verdict.VERIFIED, Verdict.TAMPERED]
    assert report.links[2].reason.startswith("digest mismatch")


async def test_bundle_of_a_work_that_is_no_remix_holds_only_the_work(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    await alice.fetch_related("actor")
    work = await store_local_work(alice.actor, urls, "Alone")

    bundle = parse_chain_bundle((await client.get(urls.contribution_chain(str(work.local_id)))).content)

    assert list(bundle.objects) == [(work.uri, bundle.root_digest)]
    assert verify_bundle(bundle).holds(strict=True)


async def test_bundle_of_a_deleted_work_is_gone(client: httpx.AsyncClient, alice: Account, urls: InstanceUrls) -> None:
    remix, _song, _original = await remix_by(alice, urls)
    await delete_contribution(remix.author, remix)

    response = await client.get(urls.contribution_chain(str(remix.local_id)))

    assert response.status_code == 410


async def test_bundle_of_a_followers_only_work_is_not_served(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    remix, _song, _original = await remix_by(alice, urls)
    remix.visibility = "followers"
    await remix.save(update_fields=["visibility"])

    response = await client.get(urls.contribution_chain(str(remix.local_id)))

    assert response.status_code == 404


async def test_bundle_of_an_unknown_contribution_is_not_found(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    response = await client.get(urls.contribution_chain("999999"))

    assert response.status_code == 404
