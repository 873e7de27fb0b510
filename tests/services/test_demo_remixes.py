"""`fediverse-hit demo` seeds a remix chain: a remix of a remix, two sources with weights each, a
ShareAlike source binding the remix's licence; the chain verifies from what is stored, and a
second run makes nothing new."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.chain_verification import verify_stored_chain
from fediverse_hit.federation.demo_remixes import seed_demo_remixes
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.demo import seed_demo
from fediverse_hit.services.demo_contributions import seed_demo_contributions
from fediverse_hit.services.media import MediaLimits
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.models import Actor, Contribution, RemixSource

pytestmark = pytest.mark.anyio
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


async def _seed(app: Starlette, urls: InstanceUrls) -> tuple[dict[str, Actor], int]:
    settings = app.state.settings
    await seed_demo(urls)
    people: dict[str, Actor] = {}
    for name in ("ada", "bashir", "chen"):
        actor = await find_local_actor(name)
        assert actor is not None
        people[name] = actor
    made = await seed_demo_contributions(people, urls, settings.media_dir, MediaLimits.from_settings(settings))
    return people, made + await seed_demo_remixes(people, app.state.fetcher)


async def test_the_demo_seeds_a_verified_remix_of_a_remix_once(app: Starlette, urls: InstanceUrls) -> None:
    _, made = await _seed(app, urls)

    assert made == 8
    night = await Contribution.get(title="Low tide at night")
    with_bass = await Contribution.get(title="Low tide, with bass")
    rows = await RemixSource.filter(remix=night).order_by("position").prefetch_related("source")
    assert [(row.source.title, row.weight, row.link_state) for row in rows] == [
        ("Low tide, with bass", 7000, "verified"), ("Creature no. 12", 3000, "verified"),
    ]
    rows = await RemixSource.filter(remix=with_bass).order_by("position").prefetch_related("source")
    assert [(row.source.title, row.weight, row.licence) for row in rows] == [
        ("Low tide", 6000, BY_SA), ("Low tide, hummed", 4000, "https://creativecommons.org/licenses/by/4.0/"),
    ]
    assert (with_bass.license, night.license) == (BY_SA, BY_SA)  # the poem's ShareAlike travels down
    report = await verify_stored_chain(night, urls)
    assert [str(link.verdict) for link in report.links] == ["verified"] * 5
    assert report.holds(strict=True)

    _, again = await _seed(app, urls)
    assert again == 0
    assert await RemixSource.filter(remix__local=True).count() == 4


async def test_the_demo_work_page_shows_sources_tree_credits_and_badge(app: Starlette, urls: InstanceUrls) -> None:
    import httpx

    await _seed(app, urls)
    night = await Contribution.get(title="Low tide at night")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=app.state.settings.base_url) as client:
        page = (await client.get(night.uri, headers={"Accept": "text/html"})).text

    assert "Chain recorded: 4 verified" in page  # every link of its ancestry
    assert "Weight 70 %" in page and "Weight 30 %" in page
    assert 'id="credits-heading"' in page and "Ada Okafor" in page and "Bashir Haddad" in page
    assert '<svg class="remix-tree-svg"' in page
