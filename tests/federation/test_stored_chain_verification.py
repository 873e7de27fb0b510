"""`verify_stored_chain`: a contribution's attribution chain checked from what this server keeps
(source snapshots, our own versions, kept actor documents), with no network, link by link."""

from __future__ import annotations

import json

import pytest

from fediverse_hit.federation.chain_verification import verify_stored_chain
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.attribution import ChainReport, Verdict
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.models import Actor, ChainDocument, ChainKeyDocument, Contribution, ContributionVersion
from tests.asgi_forms import PASSWORD
from tests.chain_rows import as_text, edit_local_work, keep_snapshots, store_local_work, store_remote_work
from tests.protocol.chain_worlds import Author, Cite, make_note

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

ALICE = Author("a.example", "alice")
BOB = Author("b.example", "bob")


async def local_person(name: str, urls: InstanceUrls) -> Actor:
    await create_account(name, PASSWORD, urls)
    actor = await find_local_actor(name)
    assert actor is not None
    return actor


async def first_version_text(contribution: Contribution) -> str:
    version = await ContributionVersion.get(contribution=contribution, number=1)
    return version.document_json


def verdicts(report: ChainReport) -> list[tuple[str, Verdict]]:
    return [(link.object_id, link.verdict) for link in report.links]


async def test_remote_remix_of_remote_work_verifies_from_kept_snapshots(urls: InstanceUrls) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    await keep_snapshots([original], [ALICE, BOB])
    stored = await store_remote_work(remix, BOB)

    report = await verify_stored_chain(stored, urls)

    assert verdicts(report) == [(remix["id"], Verdict.VERIFIED), (original["id"], Verdict.VERIFIED)]
    assert report.links[1].signer == ALICE.id
    assert report.holds(strict=True)


async def test_local_remix_verifies_with_our_authors_own_actor_document(urls: InstanceUrls) -> None:
    original = make_note(ALICE, 1, "Night bus")
    await keep_snapshots([original], [ALICE])
    carol = await local_person("carol", urls)
    remix = await store_local_work(carol, urls, "Night bus, again", [Cite(original, 10000)])

    report = await verify_stored_chain(remix, urls)

    assert verdicts(report) == [(remix.uri, Verdict.VERIFIED), (original["id"], Verdict.VERIFIED)]
    assert report.links[0].signer == carol.uri
    assert await ChainKeyDocument.filter(actor_uri=carol.uri).count() == 0


async def test_remix_of_our_own_edited_work_matches_the_pinned_earlier_version(urls: InstanceUrls) -> None:
    carol, dan = await local_person("carol", urls), await local_person("dan", urls)
    source = await store_local_work(carol, urls, "First take")
    first_version = await first_version_text(source)
    remix = await store_local_work(dan, urls, "Answer", [Cite(json.loads(first_version), 10000)])
    await edit_local_work(source, urls, "Second take")

    report = await verify_stored_chain(remix, urls)

    assert verdicts(report) == [(remix.uri, Verdict.VERIFIED), (source.uri, Verdict.VERIFIED)]


async def test_snapshot_altered_in_storage_is_tampered(urls: InstanceUrls) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    await keep_snapshots([original], [ALICE, BOB])
    altered = {**original, "content": "<p>Someone else's poem</p>"}
    await ChainDocument.filter(object_uri=original["id"]).update(document_json=as_text(altered))
    stored = await store_remote_work(remix, BOB)

    report = await verify_stored_chain(stored, urls)

    assert report.links[1].verdict is Verdict.TAMPERED
    assert report.links[1].reason.startswith("digest mismatch: pinned ")
    assert not report.holds()


async def test_source_not_kept_here_is_unavailable(urls: InstanceUrls) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    await keep_snapshots([], [ALICE, BOB])
    stored = await store_remote_work(remix, BOB)

    report = await verify_stored_chain(stored, urls)

    assert report.links[1].verdict is Verdict.UNAVAILABLE
    assert report.links[1].reason == "no copy of the pinned version was found"


async def test_authors_key_document_not_kept_makes_the_link_unavailable(urls: InstanceUrls) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    await keep_snapshots([original], [BOB])
    stored = await store_remote_work(remix, BOB)

    report = await verify_stored_chain(stored, urls)

    assert report.links[1].verdict is Verdict.UNAVAILABLE
    assert report.links[1].reason == f"author's key document unavailable: {ALICE.id}: no actor document"


async def test_remote_author_document_last_fetched_serves_when_no_key_document_was_kept(urls: InstanceUrls) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    await keep_snapshots([original], [])
    await store_remote_work(original, ALICE)
    stored = await store_remote_work(remix, BOB)

    report = await verify_stored_chain(stored, urls)

    assert verdicts(report) == [(remix["id"], Verdict.VERIFIED), (original["id"], Verdict.VERIFIED)]


async def test_unsigned_source_is_attested_and_fails_only_the_strict_check(urls: InstanceUrls) -> None:
    toot = make_note(ALICE, 1, "A Mastodon post", sign=False)
    remix = make_note(BOB, 7, "Reply song", [Cite(toot, 10000)])
    await keep_snapshots([toot], [BOB])
    stored = await store_remote_work(remix, BOB)

    report = await verify_stored_chain(stored, urls)

    assert verdicts(report) == [(remix["id"], Verdict.VERIFIED), (toot["id"], Verdict.ATTESTED)]
    assert report.holds() and not report.holds(strict=True)


async def test_followers_only_work_of_ours_is_not_used_as_a_copy(urls: InstanceUrls) -> None:
    carol, dan = await local_person("carol", urls), await local_person("dan", urls)
    source = await store_local_work(carol, urls, "For followers")
    text = await first_version_text(source)
    remix = await store_local_work(dan, urls, "Answer", [Cite(json.loads(text), 10000)])
    source.visibility = "followers"
    await source.save(update_fields=["visibility"])

    report = await verify_stored_chain(remix, urls)

    assert report.links[1].verdict is Verdict.UNAVAILABLE


async def test_three_generations_across_servers_verify_depth_first(urls: InstanceUrls) -> None:
    cyd = Author("c.example", "cyd")
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    remix_of_remix = make_note(cyd, 3, "Night bus (video)", [Cite(remix, 10000)])
    await keep_snapshots([original, remix], [ALICE, BOB, cyd])
    stored = await store_remote_work(remix_of_remix, cyd)

    report = await verify_stored_chain(stored, urls)

    assert [(link.depth, link.verdict) for link in report.links] == [
        (0, Verdict.VERIFIED), (1, Verdict.VERIFIED), (2, Verdict.VERIFIED)
    ]
