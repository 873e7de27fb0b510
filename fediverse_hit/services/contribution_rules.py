"""What a contribution may be (kinds, lengths, licences, visibility), and who may see, like,
boost, reply to, quote or remix it: each rule decided here once, for local and inbound events alike.

Limits follow Mastodon where it has one (500-character content warnings, 4 attachments, 5 pins);
the body limit is larger because records here are creative texts, not status updates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.protocol.quote_consent import ConsentState, QuotePolicy
from fediverse_hit.protocol.remix_sources import SourceRequest
from fediverse_hit.protocol.licenses import DEFAULT_LICENSE_CODE, LICENSES, License, license_by_code, license_by_iri
from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES, ContributionKind, FollowState, Visibility
from fediverse_hit.store.instance_settings import read_setting, write_setting
from fediverse_hit.store.models import Account, Actor, Contribution, Follow
from fediverse_hit.store.visibility import visible_ids

KINDS = tuple(ContributionKind)
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_SUMMARY = 500
MAX_ATTACHMENTS = 4
MAX_PINS = 5
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DEFAULT_LICENSE_SETTING = "default_license"


@dataclass(frozen=True)
class Draft:
    """What an author submits: from the composer form or a client-to-server object."""

    title: str
    source: str
    kind: str = ""  # empty: derived from the attachments
    summary: str = ""
    sensitive: bool = False
    language: str = ""
    license: str = ""  # deed IRI; empty: the instance default
    visibility: str = Visibility.PUBLIC
    in_reply_to: str | None = None
    media_ids: tuple[int, ...] = ()
    media_descriptions: dict[int, str] = field(default_factory=dict)
    addressed: tuple[str, ...] = ()  # actor IRIs addressed directly (C2S `to`/`cc`), as mentions
    sources: tuple[SourceRequest, ...] = ()  # a remix: the works it builds on, the first is primary
    upstream_share: int | None = None  # a remix: basis points owed to the sources (None: 5000)
    quote_policy: str = ""  # who may quote (remix) it: anyone | followers | manual; empty: the author's default
    context: str | None = None  # FEP-7888: the project it belongs to (None: a reply's parent's, or none)


def check_draft(draft: Draft) -> None:
    """Raise ValidationFailed naming the first thing wrong with `draft`."""
    if not draft.title.strip() and not draft.source.strip() and not draft.media_ids:
        raise ValidationFailed("A contribution needs a title, some text or a file.")
    if len(draft.title) > MAX_TITLE:
        raise ValidationFailed(f"The title is too long: at most {MAX_TITLE} characters.")
    if len(draft.source) > MAX_BODY:
        raise ValidationFailed(f"The text is too long: at most {MAX_BODY} characters.")
    if len(draft.summary) > MAX_SUMMARY:
        raise ValidationFailed(f"The content warning is too long: at most {MAX_SUMMARY} characters.")
    if draft.kind and draft.kind not in KINDS:
        raise ValidationFailed(f"Kind must be one of {', '.join(KINDS)}.")
    if draft.visibility not in tuple(Visibility):
        raise ValidationFailed(f"Visibility must be one of {', '.join(Visibility)}.")
    if draft.language and not _LANGUAGE.match(draft.language):
        raise ValidationFailed("Language must be a language tag such as `en` or `pt-BR`.")
    if len(draft.media_ids) > MAX_ATTACHMENTS:
        raise ValidationFailed(f"At most {MAX_ATTACHMENTS} files can be attached.")
    if draft.license and license_by_iri(draft.license) is None:
        raise ValidationFailed("The licence must be a Creative Commons 4.0 licence or CC0.")
    if draft.quote_policy and draft.quote_policy not in tuple(QuotePolicy):
        raise ValidationFailed(f"Who may quote must be one of {', '.join(QuotePolicy)}.")


def kind_for(requested: str, media_kinds: list[str]) -> str:
    """The kind a contribution is published as: what its files are (text without files, mixed
    for several kinds); an explicit image/audio/video/mixed choice must fit the files."""
    distinct = sorted(set(media_kinds))
    if not distinct:
        if requested and requested != ContributionKind.TEXT:
            raise ValidationFailed(f"A contribution of kind {requested} needs a file.")
        return ContributionKind.TEXT
    if len(distinct) > 1 or requested == ContributionKind.MIXED:
        return ContributionKind.MIXED
    if requested not in ("", ContributionKind.TEXT, distinct[0]):
        article = "an" if requested[0] in "aeiou" else "a"
        raise ValidationFailed(f"A contribution of kind {requested} needs {article} {requested} file.")
    return distinct[0]


async def default_license() -> License:
    """The licence new contributions get unless the author picks another (admin-set)."""
    code = await read_setting(DEFAULT_LICENSE_SETTING, DEFAULT_LICENSE_CODE)
    return license_by_code(str(code)) or license_by_code(DEFAULT_LICENSE_CODE)  # type: ignore[return-value]


async def set_default_license(code: str) -> License:
    """Set the instance default; it must permit remixing (the point of this network)."""
    chosen = license_by_code(code)
    if chosen is None or not chosen.permits_remix:
        raise ValidationFailed("The default licence must be a known licence that permits remixing.")
    await write_setting(DEFAULT_LICENSE_SETTING, chosen.code)
    return chosen


def license_choices() -> tuple[License, ...]:
    return LICENSES


async def can_view(viewer: Actor | None, contribution: Contribution) -> bool:
    """Whether `viewer` (None: anonymous) may see `contribution`: the rule of `store.visibility`
    (deleted ones: nobody; across a block either way: nobody)."""
    return bool(await visible_ids(viewer, [contribution.id]))


async def visible_among(viewer: Actor | None, contributions: Iterable[Contribution]) -> set[int]:
    """Ids of the `contributions` `viewer` may see, decided in one query for a whole page."""
    return await visible_ids(viewer, [c.id for c in contributions])


async def visible_work_ids(viewer: Actor | None, ids: Iterable[int]) -> set[int]:
    """`visible_among` for row ids (pages that read contributions without models)."""
    return await visible_ids(viewer, ids)


def is_open(contribution: Contribution) -> bool:
    """Public or unlisted: anyone may see, boost and quote it."""
    return contribution.visibility in OPEN_VISIBILITIES


def can_pin(actor: Actor, contribution: Contribution) -> bool:
    """Authors feature their own live local contributions, except direct ones (Mastodon's rule)."""
    mine = actor.id == contribution.author_id  # type: ignore[attr-defined]
    live = contribution.local and contribution.deleted_at is None
    return mine and live and contribution.visibility != Visibility.DIRECT


async def can_like(actor: Actor, contribution: Contribution) -> bool:
    """Anyone who may see a contribution may like it (Mastodon's `StatusPolicy#favourite?`)."""
    return await can_view(actor, contribution)


async def can_boost(actor: Actor, contribution: Contribution) -> bool:
    """Only public and unlisted contributions are boosted, by people who may see them: a boost
    would show followers-only and direct ones to people they were not addressed to."""
    return is_open(contribution) and await can_view(actor, contribution)


async def can_reply(actor: Actor, contribution: Contribution) -> bool:
    """Anyone who may see a contribution may reply to it."""
    return await can_view(actor, contribution)


async def quote_policy_of(contribution: Contribution) -> QuotePolicy:
    """Who may quote a local work: its own choice, else its author's default (FEP-044f).
    Works from other servers answer their own requests; here they count as open to anyone."""
    if contribution.quote_policy in tuple(QuotePolicy):
        return QuotePolicy(contribution.quote_policy)
    if not contribution.local:
        return QuotePolicy.ANYONE
    account = await Account.get_or_none(actor_id=contribution.author_id)  # type: ignore[attr-defined]
    if account is not None and account.quote_policy in tuple(QuotePolicy):
        return QuotePolicy(account.quote_policy)
    return QuotePolicy.ANYONE


async def quote_decision(actor: Actor, contribution: Contribution) -> ConsentState:
    """How a request by `actor` to quote (or remix) `contribution` is answered: accepted at once,
    left pending for its author (manual approval), or rejected. Authors may always quote their
    own works (FEP-044f); others only public or unlisted ones they can see, per the work's policy."""
    if not await can_view(actor, contribution):
        return ConsentState.REJECTED
    if actor.id == contribution.author_id:  # type: ignore[attr-defined]
        return ConsentState.ACCEPTED
    if not is_open(contribution):
        return ConsentState.REJECTED
    policy = await quote_policy_of(contribution)
    if policy == QuotePolicy.MANUAL:
        return ConsentState.PENDING
    if policy == QuotePolicy.FOLLOWERS:
        follows = await Follow.filter(
            follower=actor, followed_id=contribution.author_id, state=FollowState.ACCEPTED  # type: ignore[attr-defined]
        ).exists()
        return ConsentState.ACCEPTED if follows else ConsentState.REJECTED
    return ConsentState.ACCEPTED


async def can_quote(actor: Actor, contribution: Contribution) -> bool:
    """Whether `actor` may quote `contribution` at all: accepted at once or after the author's
    approval (the `interactionPolicy.canQuote` our Notes publish says the same)."""
    return await quote_decision(actor, contribution) != ConsentState.REJECTED


async def can_remix(actor: Actor, contribution: Contribution) -> bool:
    """A remix quotes its source and builds on it: the source must be quotable by `actor`
    and carry a known licence that permits derivatives (DESIGN §7, "Licences gate remixing")."""
    licence = license_by_iri(contribution.license)
    return licence is not None and licence.permits_remix and await can_quote(actor, contribution)
