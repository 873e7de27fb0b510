"""The demo's remix chain (`fediverse-hit demo`), published as any remix made here is: sources
pinned by digest from their signed versions, the primary source's author asked for consent,
every version signed. A first look then shows sources with weights, a remix tree, credits and a
verified chain on "Low tide at night".

    Low tide (Ada, CC BY-SA)   Low tide, hummed (Ada)
              60 %  \\              / 40 %
           Low tide, with bass (Bashir; CC BY-SA, bound by the poem's ShareAlike)   Creature no. 12 (Chen)
                                 70 % \\                                         / 30 %
                                   Low tide at night (Chen)

Seeded once: nothing is made when any demo person already has a remix, or when the demo works
it builds on are missing (services/demo_contributions.py makes them).
"""

from __future__ import annotations

from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.quote_requests import publish_asking_consent
from fediverse_hit.protocol.remix_sources import SourceRequest
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.store.models import Actor, Contribution, RemixSource


async def _work(author: Actor, title: str) -> Contribution | None:
    return await Contribution.filter(author=author, title=title, local=True, deleted_at=None).first()


async def seed_demo_remixes(people: dict[str, Actor], fetcher: Fetcher) -> int:
    """Publish the two demo remixes unless they (or any remix by the demo people) exist; how many
    were made. `people` maps the demo usernames (ada, bashir, chen) to their actors."""
    ids = [actor.id for actor in people.values()]
    if await RemixSource.filter(remix__author_id__in=ids, remix__local=True).exists():
        return 0
    ada, bashir, chen = people["ada"], people["bashir"], people["chen"]
    poem, melody, creature = await _work(ada, "Low tide"), await _work(ada, "Low tide, hummed"), await _work(chen, "Creature no. 12")
    if poem is None or melody is None or creature is None:
        return 0
    with_bass = await publish_asking_consent(bashir, Draft(
        title="Low tide, with bass", language="en",
        source="Ada's poem read over her melody, with a fretless bass under it. #remix #music",
        sources=(SourceRequest(poem.uri, 6000), SourceRequest(melody.uri, 4000)), upstream_share=4000,
    ), fetcher)
    await publish_asking_consent(chen, Draft(
        title="Low tide at night", language="en",
        source="Creature no. 12 keeps watch while Bashir's version of the poem plays. #remix #drawing",
        sources=(SourceRequest(with_bass.uri, 7000), SourceRequest(creature.uri, 3000)),
    ), fetcher)
    return 2
