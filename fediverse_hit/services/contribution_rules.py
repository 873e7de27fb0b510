"""What a contribution may be: kinds, lengths, licences, visibility and who may see it.

Limits follow Mastodon where it has one (500-character content warnings, 4 attachments, 5 pins);
the body limit is larger because records here are creative texts, not status updates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tortoise.expressions import Q

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.protocol.addressing import VISIBILITIES
from fediverse_hit.protocol.licenses import DEFAULT_LICENSE_CODE, LICENSES, License, license_by_code, license_by_iri
from fediverse_hit.store.instance_settings import read_setting, write_setting
from fediverse_hit.store.models import Actor, Block, Contribution, Follow, Mention

KINDS = ("text", "image", "audio", "video", "mixed")
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
    visibility: str = "public"
    in_reply_to: str | None = None
    media_ids: tuple[int, ...] = ()
    media_descriptions: dict[int, str] = field(default_factory=dict)
    addressed: tuple[str, ...] = ()  # actor IRIs addressed directly (C2S `to`/`cc`), as mentions


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
    if draft.visibility not in VISIBILITIES:
        raise ValidationFailed(f"Visibility must be one of {', '.join(VISIBILITIES)}.")
    if draft.language and not _LANGUAGE.match(draft.language):
        raise ValidationFailed("Language must be a language tag such as `en` or `pt-BR`.")
    if len(draft.media_ids) > MAX_ATTACHMENTS:
        raise ValidationFailed(f"At most {MAX_ATTACHMENTS} files can be attached.")
    if draft.license and license_by_iri(draft.license) is None:
        raise ValidationFailed("The licence must be a Creative Commons 4.0 licence or CC0.")


def kind_for(requested: str, media_kinds: list[str]) -> str:
    """The kind a contribution is published as: what its files are (text without files, mixed
    for several kinds); an explicit image/audio/video/mixed choice must fit the files."""
    distinct = sorted(set(media_kinds))
    if not distinct:
        if requested and requested != "text":
            raise ValidationFailed(f"A contribution of kind {requested} needs a file.")
        return "text"
    if len(distinct) > 1 or requested == "mixed":
        return "mixed"
    if requested not in ("", "text", distinct[0]):
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
    """Whether `viewer` (None: anonymous) may see `contribution` (deleted ones: nobody; people
    the author blocks, or who block the author, see none of the author's contributions)."""
    if contribution.deleted_at is not None:
        return False
    if viewer is None:
        return contribution.visibility in ("public", "unlisted")
    if viewer.id == contribution.author_id:  # type: ignore[attr-defined]
        return True
    if await Block.filter(
        Q(blocker=viewer, blocked_id=contribution.author_id) | Q(blocker_id=contribution.author_id, blocked=viewer)  # type: ignore[attr-defined]
    ).exists():
        return False
    if contribution.visibility in ("public", "unlisted"):
        return True
    if await Mention.filter(contribution=contribution, actor=viewer).exists():
        return True
    return contribution.visibility == "followers" and await Follow.filter(
        follower=viewer, followed_id=contribution.author_id, state="accepted"  # type: ignore[attr-defined]
    ).exists()
