"""The remix sections of a work page, its tree and its family page, over rows as part A stores
them: sources with weights and link states, remixes, credits, folding, hidden works."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.models import Account, Actor, Contribution
from tests.remix_families import add_work, build_large_family, cite, remote_actor

pytestmark = pytest.mark.anyio
SVG = "{http://www.w3.org/2000/svg}"


def tree_of(html: str) -> ElementTree.Element:
    """The remix tree's SVG, parsed as XML (it must be well formed)."""
    found = re.search(r"<svg class=\"remix-tree-svg\".*?</svg>", html, re.S)
    assert found, "no remix tree on the page"
    return ElementTree.fromstring(found.group(0))


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_remix_page_lists_its_sources_weights_states_and_credits(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    me = await alice.actor
    bob = await remote_actor("bob", "b.example")
    field = await add_work(me, "Green field", urls)
    song = await add_work(bob, "Wind song", urls, minutes=1)
    remix = await add_work(me, "Field with wind", urls, minutes=2, upstream_share=4000)
    await cite(remix, [field, song], (6000, 4000), state="verified")
    await Actor.filter(id=bob.id).update(name="Bob Builder")

    page = (await client.get(path_of(remix.uri))).text

    sources = page.split('id="sources-heading"')[1].split("</section>")[0]
    assert "Green field" in sources and "Weight 60 %" in sources
    assert "Wind song" in sources and "b.example · @bob" in sources and "Weight 40 %" in sources
    assert sources.count(">Verified<") == 2
    assert "40 % of this remix’s credit goes to what it builds on" in sources
    assert 'href="http://hit.test/contributions/1001/verification"' in sources
    credits = page.split('id="credits-heading"')[1].split("</section>")[0]
    # Alice keeps 60 % of the remix and gets 60 % of the 40 % passed up (24 %): 84 %; Bob 16 %.
    assert re.search(r">alice</a> <span class=\"handle\">@alice@hit.test</span></td>\s*<td class=\"number\">84 %", credits)
    assert re.search(r">Bob Builder</a> .*?<td class=\"number\">16 %", credits, re.S)


async def test_source_page_lists_its_remixes_and_draws_them_below_it(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    me = await alice.actor
    carol = await remote_actor("carol", "c.example")
    field = await add_work(me, "Green field", urls)
    mine = await add_work(me, "Field at night", urls, minutes=1)
    theirs = await add_work(carol, "Field in rain", urls, minutes=2)
    await cite(mine, [field])
    await cite(theirs, [field], state="attested")

    page = (await client.get(path_of(field.uri))).text

    remixes = page.split('id="remixes-heading"')[1].split("</section>")[0]
    assert remixes.index("Field in rain") < remixes.index("Field at night")  # newest first
    assert "c.example · @carol" in remixes and "on their server" in remixes
    assert 'id="sources-heading"' not in page  # not a remix itself: no sources, no credits
    svg = tree_of(page)
    links = {a.get("href"): a.get("aria-label") for a in svg.iter(f"{SVG}a")}
    assert links[field.uri] == "“Green field” by alice (@alice@hit.test): this work"
    assert links[mine.uri] == "“Field at night” by alice (@alice@hit.test)"
    assert links[theirs.uri] == "“Field in rain” by Carol (@carol@c.example), on c.example"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "c.example · @carol" in texts
    assert len(list(svg.iter(f"{SVG}line"))) == 2


async def test_followers_only_source_keeps_its_place_but_not_its_title(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    me = await alice.actor
    dave = await remote_actor("dave", "d.example")
    secret = await add_work(dave, "Secret sketch", urls, visibility="followers")
    remix = await add_work(me, "Open remix", urls, minutes=1)
    await cite(remix, [secret])

    page = (await client.get(path_of(remix.uri))).text

    assert "Secret sketch" not in page
    assert secret.uri not in page
    assert "Not shown to you" in page.split('id="sources-heading"')[1]
    svg = tree_of(page)
    hidden = [g for g in svg.iter(f"{SVG}g") if g.get("aria-label") == "A work that is not shown to you"]
    assert len(hidden) == 1


async def test_a_thousand_node_family_is_folded_and_listed_whole_on_the_family_page(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    me = await alice.actor
    authors = [me, await remote_actor("bob", "b.example"), await remote_actor("carol", "c.example")]
    center = await add_work(me, "Center", urls, minutes=5000, upstream_share=5000)
    await build_large_family(center, authors, urls, 999)

    page = (await client.get(path_of(center.uri))).text

    svg = tree_of(page)
    nodes = [a for a in svg.iter(f"{SVG}a")]
    assert 10 < len(nodes) <= 5 * 9 + 2
    folds = [a for a in nodes if (a.get("aria-label") or "").endswith("more works: see the whole family")]
    assert folds and all(a.get("href", "").startswith("http://hit.test/contributions/") for a in folds)
    assert int(svg.get("width", "0")) <= 880  # the page's column: no sideways scrolling on a desktop
    family = (await client.get(path_of(center.uri) + "/family")).text
    assert family.split("id=\"family-heading\"")[1].count("<li>") == 999
    assert 'id="above-1"' in family and 'id="below-1"' in family


async def test_verification_page_checks_a_published_work_with_its_authors_key(
    client: httpx.AsyncClient, alice: Account
) -> None:
    from tests.web.test_contribution_pages import publish_page

    work = await publish_page(client, title="Green field", source="Grass.", kind="text")

    page = (await client.get(work + "/verification")).text

    report = page.split('id="report-heading"')[1]
    assert "This work builds on no other work: there is no chain to check." in report
    assert re.findall(r'<li class="report-link depth-(\d)">\s*<span class="badge link-state link-([a-z-]+)">', report) == [
        ("0", "verified")
    ]
    assert "signed by @alice@hit.test." in report


async def test_verification_page_says_which_link_is_broken_and_why(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fediverse_hit.protocol.attribution import ChainReport, LinkReport, Verdict
    from fediverse_hit.web import remix_pages

    remix = await add_work(await alice.actor, "Field with wind", urls)
    source = "https://b.example/works/1"
    report = ChainReport(remix.uri, (
        LinkReport(None, remix.uri, "zRoot", 0, Verdict.VERIFIED, "its proof holds", "http://hit.test/users/alice"),
        LinkReport(remix.uri, source, "zPinned", 1, Verdict.TAMPERED, "digest mismatch: pinned zPinned, copy has zOther"),
        LinkReport(remix.uri, "https://c.example/n/2", "zC", 1, Verdict.KEY_MISMATCH, "signed with a key of another actor"),
    ))

    async def constructed(contribution: object, urls: object) -> ChainReport:
        return report

    monkeypatch.setattr(remix_pages, "chain_report_of", constructed)
    page = (await client.get(path_of(remix.uri) + "/verification")).text

    assert "The chain does not hold: some links could not be checked or do not match." in page
    assert '<span class="badge link-state link-tampered">Tampered</span>' in page
    assert '<span class="badge link-state link-key-mismatch">Key mismatch</span>' in page
    assert "Digest mismatch: pinned zPinned, copy has zOther." in page
    assert "Its proof holds; signed by @alice@hit.test." in page


async def test_remix_and_quote_request_notifications_say_what_happened(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    from fediverse_hit.services.notifications import notify

    me = await alice.actor
    bob = await remote_actor("bob", "b.example")
    field = await add_work(me, "Green field", urls)
    echo = await add_work(bob, "Field, slowed down", urls, minutes=1)
    await cite(echo, [field])
    await notify(me, "remix", bob, echo)  # a remix notification carries the remix
    await notify(me, "quote_request", bob, field)  # a quote request, the work asked for

    page = (await client.get("/notifications")).text

    assert re.search(rf'@bob@b.example</span>\s*remixed your work in <a href="/remote-contributions/{echo.id}">Field, slowed down</a>', page)  # its page here
    assert re.search(
        r'@bob@b.example</span>\s*asks to quote your work: <a href="[^"]+">Green field</a> · '
        r'<a href="http://hit.test/quote-requests">Approve or decline</a>', page,
    )


async def test_a_deleted_work_keeps_its_place_in_the_tree_without_title_or_link(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    me = await alice.actor
    carol = await remote_actor("carol", "c.example")
    photo = await add_work(carol, "Morning fog", urls)
    field = await add_work(me, "Green field", urls, minutes=1)
    await cite(field, [photo])
    remix = await add_work(me, "Field with wind", urls, minutes=2)
    await cite(remix, [field])
    await Contribution.filter(id=field.id).update(deleted_at=datetime(2025, 4, 1, tzinfo=UTC))

    page = (await client.get(path_of(remix.uri))).text
    family = (await client.get(path_of(remix.uri) + "/family")).text

    assert "Green field" not in page and field.uri not in page
    sources = page.split('id="sources-heading"')[1].split("</section>")[0]
    assert '<span class="muted">Deleted work</span>' in sources
    svg = tree_of(page)
    deleted = [g for g in svg.iter(f"{SVG}g") if g.get("aria-label") == "A deleted work"]
    assert len(deleted) == 1
    links = [a.get("aria-label") for a in svg.iter(f"{SVG}a")]
    assert "“Morning fog” by Carol (@carol@c.example), on c.example" in links  # still reached through it
    assert "Green field" not in family
    assert re.search(r'<h2 id="above-1">Its sources <span class="muted">\(1\)</span></h2>\s*'
                     r'<ul class="family-list"><li><span class="muted">Deleted work</span></li></ul>', family)
    assert '<h2 id="above-2">Sources 2 steps up' in family and f'href="{photo.uri}">Morning fog</a>' in family
