"""`fediverse-hit demo` seeds a project: an open challenge by the Group, two submissions (one
selected, one waiting), a work of the selected piece and Ada's poem, and its signed credits as
computed by hand, an earning finalized into each contributor's ledger; a second run makes
nothing new."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.demo_project import seed_demo_project
from fediverse_hit.federation.demo_remixes import seed_demo_remixes
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.demo import seed_demo
from fediverse_hit.services.demo_contributions import seed_demo_contributions
from fediverse_hit.services.ledger import list_earnings
from fediverse_hit.services.media import MediaLimits
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.models import Actor, Project, ProjectChallenge, ProjectSubmission

pytestmark = pytest.mark.anyio
AS2 = {"Accept": "application/activity+json"}


async def _people(app: Starlette, urls: InstanceUrls) -> dict[str, Actor]:
    await seed_demo(urls)
    people = {name: actor for name in ("ada", "bashir", "chen") if (actor := await find_local_actor(name))}
    settings = app.state.settings
    await seed_demo_contributions(people, urls, settings.media_dir, MediaLimits.from_settings(settings))
    await seed_demo_remixes(people, app.state.fetcher)
    return people


async def test_the_demo_seeds_a_project_with_a_credited_work_once(
    app: Starlette, client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    people = await _people(app, urls)
    seeded = await seed_demo_project(people, app.state.fetcher)
    assert seeded is not None

    challenge = await ProjectChallenge.get().prefetch_related("contribution__author")
    assert (challenge.contribution.title, challenge.contribution.author.username) == ("Sounds of the harbour", "harbour")
    queue = await ProjectSubmission.all().order_by("id").prefetch_related("contribution")
    assert [(row.contribution.title, row.state) for row in queue] == [("Foghorn in D", "selected"), ("Gulls at dawn", "pending")]
    selected = (await client.get("/projects/harbour/selected", headers=AS2)).json()
    assert selected["orderedItems"] == [queue[0].contribution.uri]

    work = (await client.get(seeded.work.uri, headers=AS2)).json()
    assert work["attributedTo"] == ["http://hit.test/projects/harbour", "http://hit.test/users/ada"]
    credits = (await client.get(work["fhit:credits"], headers=AS2)).json()
    # By hand: the work keeps 40 % for Ada (curator); 60 % × 70 % = 42 % to the foghorn, which
    # cites nothing: Bashir; 60 % × 30 % = 18 % to the poem: Ada again, as its author.
    shares = {item["actor"]: (item["fhit:role"], item["fhit:share"]) for item in credits["orderedItems"]}
    assert shares == {"http://hit.test/users/ada": ("curator", 5800), "http://hit.test/users/bashir": ("contributor", 4200)}
    assert credits["proof"]["verificationMethod"] == "http://hit.test/projects/harbour#ed25519-key"

    # The earning (48,000 − 8,000 costs) × the 50 % pool = 20,000 cents, split 58/42 and finalized
    # at once (a 0-day window): one ledger line each on their own server.
    earned = {name: [(line.amount, line.currency) for line in await list_earnings(people[name])] for name in ("ada", "bashir")}
    assert earned == {"ada": [(11600, "EUR")], "bashir": [(8400, "EUR")]}

    assert await seed_demo_project(people, app.state.fetcher) is None
    assert await Project.all().count() == 1
