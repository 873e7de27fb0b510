"""Remixes and quotes of our works made on other servers: stored as links to the works they build
on (so each lists its remixes), and the creator here is told "remixed your work"."""

from __future__ import annotations

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import Source, build_source_entry
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.store.models import Contribution, Notification, RemixSource
from tests.inbox_harness import PUBLIC, InboxHarness
from tests.remix_steps import fetch_note, person_with_token, post

pytestmark = pytest.mark.anyio


async def _local_work(inbox: InboxHarness, urls: InstanceUrls) -> tuple[str, dict[str, object]]:
    _, token = await person_with_token("ada", urls)
    response = await post(inbox.client, "ada", token, {"name": "Night bus", "content": "A poem."})
    note, _ = await fetch_note(inbox.client, response.headers["location"])
    return response.headers["location"], note


async def test_a_remote_remix_of_our_work_is_linked_and_its_creator_told(inbox: InboxHarness, urls: InstanceUrls) -> None:
    original, signed = await _local_work(inbox, urls)
    ada = urls.user("ada")
    zoe = inbox.network.person("zoe")
    entry = build_source_entry(Source(original, (ada,), compute_digest_multibase(signed), 10000))
    remix = zoe.note(
        1, quote=original, tag=[{"type": "Mention", "href": ada, "name": "@ada"}],
        **{"fhit:sources": [entry], "fhit:upstreamShare": 4000},
    )
    await inbox.deliver(zoe.create(remix), zoe)

    stored = await Contribution.get(uri=remix["id"])
    row = await RemixSource.get(remix=stored).prefetch_related("source")
    assert (row.source.uri, row.digest_multibase, row.weight, row.author_uris) == (original, entry["digestMultibase"], 10000, [ada])
    assert stored.upstream_share == 4000
    assert await Notification.filter(recipient__uri=ada).values_list("kind", flat=True) == ["remix"]


async def test_a_mastodon_quote_of_our_work_is_listed_among_its_remixes(inbox: InboxHarness, urls: InstanceUrls) -> None:
    original, _ = await _local_work(inbox, urls)
    zoe = inbox.network.person("zoe")
    # Mastodon 4.5's shape (app/serializers/activitypub/note_serializer.rb): the quote and its
    # aliases, no Mention of the quoted author, addressed to the public and the quoter's followers.
    quote = zoe.note(
        2, content=f'<p>So true</p><p class="quote-inline">RE: <a href="{original}">{original}</a></p>',
        quote=original, quoteUri=original, _misskey_quote=original, to=[PUBLIC], cc=[zoe.followers],
    )
    await inbox.deliver(zoe.create(quote), zoe)

    stored = await Contribution.get(uri=quote["id"])
    row = await RemixSource.get(remix=stored).prefetch_related("source")
    assert (row.source.uri, row.digest_multibase, row.weight, row.link_state) == (original, "", 10000, "")
    assert stored.upstream_share is None  # a quote is no remix: no share is claimed
    assert await Notification.filter(recipient__uri=urls.user("ada")).values_list("kind", flat=True) == ["remix"]


async def test_a_stranger_quoting_someone_elses_post_is_not_stored(inbox: InboxHarness, urls: InstanceUrls) -> None:
    await _local_work(inbox, urls)
    zoe = inbox.network.person("zoe")
    quote = zoe.note(3, quote="https://elsewhere.example/statuses/1")
    await inbox.deliver(zoe.create(quote), zoe)
    assert await Contribution.filter(uri=quote["id"]).count() == 0


async def test_a_delivered_remix_is_linked_once(inbox: InboxHarness, urls: InstanceUrls) -> None:
    original, _ = await _local_work(inbox, urls)
    zoe = inbox.network.person("zoe")
    quote = zoe.note(4, quote=original)
    await inbox.deliver(zoe.create(quote, suffix="1"), zoe)
    await inbox.deliver(zoe.create(quote, suffix="2"), zoe)
    assert await RemixSource.filter(remix__uri=quote["id"]).count() == 1
