"""Who is told what, derived once from what changed, for local and inbound events alike
(GoToSocial's split: handlers and services record the change, then call one of these).

Each function reads the stored state, so the web forms, the client-to-server outbox and the
inbox handlers tell the same people; telling someone twice is a no-op (`notify`). Deliveries to
other servers are derived in the federation layer (`federation/publishing.py`).
"""

from __future__ import annotations

from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.contribution_rules import can_reply, can_view
from fediverse_hit.services.notifications import notify, withdraw
from fediverse_hit.services.remixes import credited_local_authors
from fediverse_hit.services.submissions import record_submissions
from fediverse_hit.store.contributions import mentioned_actors
from fediverse_hit.store.models import Actor, Contribution


async def _author(contribution: Contribution) -> Actor:
    author = contribution.author
    return author if isinstance(author, Actor) else await Actor.get(id=contribution.author_id)


async def _replied_to(contribution: Contribution, author: Actor) -> Actor | None:
    """The author of the contribution replied to, when they are to be told of this reply: the
    replier could see what they answered, and its author can see the reply (`notify` then tells
    only live local people)."""
    if contribution.in_reply_to_id is None:  # type: ignore[attr-defined]
        return None
    parent = await Contribution.get_or_none(id=contribution.in_reply_to_id).prefetch_related("author")  # type: ignore[attr-defined]
    if parent is None or not await can_reply(author, parent):
        return None
    parent_author: Actor = parent.author
    return parent_author if await can_view(parent_author, contribution) else None


async def _remixed(contribution: Contribution) -> list[Actor]:
    """Local authors of the works `contribution` remixes or quotes who may see it."""
    return [person for person in await credited_local_authors(contribution) if await can_view(person, contribution)]


async def contribution_published(contribution: Contribution) -> None:
    """A contribution was published or edited, here or on another server: the author of what
    it replies to is told of a reply, the authors of the works it remixes or quotes of a remix,
    everyone else it mentions or addresses of a mention. After an edit only the newly mentioned
    hear of it (the others were told already)."""
    author = await _author(contribution)
    replied_to = await _replied_to(contribution, author)
    told: set[int] = set()
    if replied_to is not None:
        await notify(replied_to, NotificationKind.REPLY, author, contribution)
        told.add(replied_to.id)
    for person in await _remixed(contribution):
        if person.id not in told:
            await notify(person, NotificationKind.REMIX, author, contribution)
            told.add(person.id)
    for person in await mentioned_actors(contribution):
        if person.id not in told and person.kind != "Group":
            await notify(person, NotificationKind.MENTION, author, contribution)
    await record_submissions(contribution, author)


async def contribution_liked(liker: Actor, contribution: Contribution) -> None:
    """`liker` liked `contribution`: its author is told (when local)."""
    await notify(await _author(contribution), NotificationKind.LIKE, liker, contribution)


async def contribution_boosted(booster: Actor, contribution: Contribution) -> None:
    """`booster` boosted `contribution`: its author is told (when local)."""
    await notify(await _author(contribution), NotificationKind.BOOST, booster, contribution)


async def reaction_withdrawn(kind: NotificationKind, actor: Actor, contribution_id: int) -> None:
    """A like or boost was taken back: what it told the author goes too, as in Mastodon."""
    await withdraw(kind, actor, contribution_id)
