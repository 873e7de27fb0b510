"""Whether an inbound post concerns anyone here (Mastodon's `related_to_local_activity?` in
app/lib/activitypub/activity/create.rb): a local person follows its author, it replies to one of
ours or to someone followed here, or it mentions or addresses a local person.

Asked from what the activity itself says, before the object is fetched or parsed, so a
stranger's Create costs a few queries instead of a fetch (up to the fetch deadline) and an HTML
parse. Like Mastodon's `addresses_local_accounts?`, the activity's own `to`/`cc` count; the
object's audience, tags and `inReplyTo` count when it is embedded (by IRI they are unknown yet),
and so does a work of ours it remixes (`fhit:sources`) or quotes (`quote` and its aliases). Addressing, mentioning or naming (`audience`,
`context`) one of our projects counts too: that is a submission.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.remix_notes import read_quote_target
from fediverse_hit.protocol.remix_sources import MAX_SOURCES
from fediverse_hit.services.remixes import cites_local_work
from fediverse_hit.services.remote_contributions import find_remote_contribution, followed_here
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Actor, Contribution

MAX_ADDRESSEES = 100  # IRIs looked at for local people: tags, `to` and `cc` together


def _iris(value: Any) -> list[str]:
    """The IRIs in an audience field: one IRI or a list of them (objects by their `id`)."""
    entries = value if isinstance(value, list) else [value]
    iris = [entry.get("id") if isinstance(entry, dict) else entry for entry in entries]
    return [iri for iri in iris if isinstance(iri, str)]


def _mentioned(tags: Any) -> list[str]:
    entries = tags if isinstance(tags, list) else [tags]
    return [
        tag["href"]
        for tag in entries
        if isinstance(tag, dict) and tag.get("type") == "Mention" and isinstance(tag.get("href"), str)
    ]


def _cited(obj: dict[str, Any]) -> list[str]:
    """The works an embedded object remixes or quotes, as it declares them (unchecked)."""
    sources = obj.get("fhit:sources")
    entries = sources[:MAX_SOURCES] if isinstance(sources, list) else []
    cited = [entry.get("object") if isinstance(entry, dict) else entry for entry in entries]
    quoted = read_quote_target(obj)
    return [iri for iri in [*cited, quoted] if isinstance(iri, str)]


async def reply_concerns_us(parent: Contribution | None) -> bool:
    """A reply concerns us when it answers a post by a local person or by someone followed here."""
    if parent is None:
        return False
    parent_author: Actor = parent.author
    return parent_author.local or await followed_here(parent_author)


async def may_concern_us(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> bool:
    """The decision from the activity alone: its actor, its `to`/`cc`, and — only when the
    object is embedded — the object's audience, Mention tags and `inReplyTo`. Nothing is fetched."""
    sender = await find_actor_by_uri(activity.actor)
    if sender is not None and await followed_here(sender):
        return True
    addressed = _iris(document.get("to")) + _iris(document.get("cc"))
    obj = activity.object
    if isinstance(obj, dict):
        addressed += _iris(obj.get("to")) + _iris(obj.get("cc")) + _mentioned(obj.get("tag"))
        addressed += _iris(obj.get("audience")) + _iris(obj.get("context"))  # a submission to a project
        for parent_iri in _iris(obj.get("inReplyTo"))[:1]:
            if await reply_concerns_us(await find_remote_contribution(parent_iri)):
                return True
        if await cites_local_work([iri for iri in _cited(obj) if ctx.urls.parse_contribution(iri) is not None]):
            return True
    for iri in list(dict.fromkeys(addressed))[:MAX_ADDRESSEES]:
        if await ctx.local_followable(iri) is not None:  # a local person, or a project
            return True
    return False
