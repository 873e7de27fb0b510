"""Whether a post's `interactionPolicy.canQuote` lets a given actor quote (and so remix) it.

Read as GoToSocial's docs/federation/interaction_policy.md and Mastodon 4.5 write it: each of
`automaticApproval` and `manualApproval` lists who is approved (the Public collection, the author's
followers collection, or actor ids). A post that states no `canQuote` (Mastodon before 4.5,
Pixelfed, most servers) states no rule here: consent is then asked with a QuoteRequest (FEP-044f).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION

_PUBLIC = frozenset({PUBLIC_COLLECTION, "as:Public", "Public"})


class QuoteApproval(StrEnum):
    """What a source's policy says of one quoter."""

    AUTOMATIC = "automatic"  # approved at once
    MANUAL = "manual"  # the author decides by hand (a QuoteRequest waits for an answer)
    DENIED = "denied"  # the policy names others only
    UNSTATED = "unstated"  # the post carries no canQuote rule


def read_quote_approval(
    document: Mapping[str, object], quoter: str, *, follows_author: bool, author_followers: str | None
) -> QuoteApproval:
    """The approval `document`'s canQuote gives `quoter` (who follows its author or not)."""
    policy = document.get("interactionPolicy")
    can_quote = policy.get("canQuote") if isinstance(policy, Mapping) else None
    if not isinstance(can_quote, Mapping):
        return QuoteApproval.UNSTATED
    admitted = {quoter} | _PUBLIC
    if follows_author and author_followers:
        admitted.add(author_followers)
    if admitted & _entries(can_quote.get("automaticApproval")):
        return QuoteApproval.AUTOMATIC
    if admitted & _entries(can_quote.get("manualApproval")):
        return QuoteApproval.MANUAL
    return QuoteApproval.DENIED


def _entries(value: object) -> set[str]:
    items = value if isinstance(value, list) else [value]
    found = (item.get("id") if isinstance(item, Mapping) else item for item in items)
    return {item for item in found if isinstance(item, str)}
