"""Demo contributions of every kind (text, image, audio, video, mixed), with a reply, a like,
a boost and a pinned work, so a first look at a demo instance shows what the network is for.

Seeded once: people who already have contributions are left alone. Nothing is delivered (a
fresh demo instance has no remote followers); each Note is signed when first served.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.contributions import create_contribution, set_pinned
from fediverse_hit.services.demo_media import animation_webm, creature_png, melody_wav
from fediverse_hit.services.iris import ContributionIris
from fediverse_hit.services.media import MediaLimits, store_upload
from fediverse_hit.store.interactions import add_boost, add_like
from fediverse_hit.store.models import Actor, Contribution


# The poem is ShareAlike, so the demo's remix chain (federation/demo_remixes.py) shows that rule.
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
BY = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class DemoMedia:
    media_type: str
    data: bytes
    description: str


async def _post(
    author: Actor, draft: Draft, media: list[DemoMedia], iris: ContributionIris, media_dir: Path, limits: MediaLimits,
    parent: Contribution | None = None,
) -> Contribution:
    ids = []
    for item in media:
        stored = await store_upload(author, item.data, item.media_type, item.description, media_dir, limits)
        ids.append(stored.id)
    return await create_contribution(
        author, replace(draft, media_ids=tuple(ids)), parent=parent, mentions={}, iris=iris
    )


async def seed_demo_contributions(
    people: dict[str, Actor], iris: ContributionIris, media_dir: Path, limits: MediaLimits
) -> int:
    """Create the demo contributions unless the demo people already have some; how many were made.

    `people` maps the demo usernames (ada, bashir, chen) to their actors.
    """
    if await Contribution.filter(author_id__in=[actor.id for actor in people.values()]).exists():
        return 0
    ada, bashir, chen = people["ada"], people["bashir"], people["chen"]
    context = (iris, media_dir, limits)
    poem = await _post(ada, Draft(
        title="Low tide", language="en", license=BY_SA,
        source="The sea steps back\nto show us what it kept:\nglass, rope, a door.\n\nSet it to music? #poetry #remixme",
    ), [], *context)
    await set_pinned(ada, poem, True)
    melody = await _post(ada, Draft(title="Low tide, hummed", language="en", source="A melody for the poem. #music", license=BY),
                         [DemoMedia("audio/wav", melody_wav(), "")], *context)
    creature = await _post(chen, Draft(title="Creature no. 12", language="en", source="Today's creature guards the pier. #drawing", license=BY),
                           [DemoMedia("image/png", creature_png(30), "A round cream creature with pointed ears and a small smile")], *context)
    await _post(bashir, Draft(title="Bass loop, animated", language="en", source="Two seconds of a loop I am working on. #video"),
                [DemoMedia("video/webm", animation_webm(), "A yellow square slides across a dark blue frame")], *context)
    await _post(chen, Draft(title="Creature with its song", language="en", source="Drawing plus Ada's melody. #mixed"),
                [DemoMedia("image/png", creature_png(120), "A cream creature on a green ground"),
                 DemoMedia("audio/wav", melody_wav(0.4), "")], *context)
    await _post(bashir, Draft(title="", language="en", source="This would sit well over a slow bass line."),
                [], *context, parent=poem)
    await add_like(bashir, poem, iris.new_activity_id())
    await add_like(chen, creature, iris.new_activity_id())
    await add_boost(chen, melody, iris.new_activity_id())
    return 6
