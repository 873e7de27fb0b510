"""What changed between the kept versions of a contribution, as a reader sees it.

Every version is stored as the document it was published as (DESIGN §7 "Versions"); this module
reads them back with the same parser remote objects go through and compares what a page shows:
title, text, content warning, licence and files. A version that changes nothing visible (a remix
getting its quote stamp, FEP-044f) is not an edit to a reader — as on Mastodon, whose `edited_at`
moves only on an edit by the author — so "(edited …)" is the time of the last *visible* change.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fediverse_hit.protocol.html_sanitizing import html_to_text
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.notes import ObjectShapeError, parse_note
from fediverse_hit.store.contributions import stored_versions
from fediverse_hit.store.models import Contribution


@dataclass(frozen=True)
class VersionFile:
    """One attached file of a version, as a reader tells files apart."""

    kind: str
    url: str
    description: str


@dataclass(frozen=True)
class VersionView:
    """The readable parts of one stored version."""

    number: int
    when: datetime | None
    title: str
    text: str
    summary: str
    licence: str
    files: tuple[VersionFile, ...]


@dataclass(frozen=True)
class DiffLine:
    """One line of a text diff: `op` is "same", "added" or "removed"."""

    op: str
    text: str


@dataclass(frozen=True)
class VersionChanges:
    """What one version changed from the one before it (all empty: nothing visible)."""

    title: tuple[str, str] | None
    text: tuple[DiffLine, ...]
    summary: tuple[str, str] | None
    licence: tuple[str, str] | None
    files_added: tuple[VersionFile, ...]
    files_removed: tuple[VersionFile, ...]
    files_described: tuple[VersionFile, ...]

    @property
    def visible(self) -> bool:
        return any((self.title, self.text, self.summary, self.licence, self.files_added,
                    self.files_removed, self.files_described))


def _text_without_quote_fallback(html: str) -> str:
    """The text a reader sees; the `RE: …` line of a remix is part of the quote, not the text."""
    lines = html_to_text(html).splitlines()
    return "\n".join(line for line in lines if not line.startswith("RE: ")).strip()


def read_version(number: int, document_json: str) -> VersionView | None:
    """Version `number` from its stored document; None when it cannot be read as a post."""
    try:
        parsed = parse_note(json.loads(document_json))
    except (ValueError, ObjectShapeError):
        return None
    found = license_by_iri(parsed.license) if parsed.license else None
    return VersionView(
        number=number,
        when=parsed.updated or parsed.published,
        title=parsed.title or "",
        text=_text_without_quote_fallback(parsed.content_html),
        summary=parsed.summary or "",
        licence=found.name if found else (parsed.license or ""),
        files=tuple(
            VersionFile(item.media_type.split("/", 1)[0], item.url, item.description) for item in parsed.attachments
        ),
    )


def _text_diff(before: str, after: str) -> tuple[DiffLine, ...]:
    if before == after:
        return ()
    ops = {" ": "same", "+": "added", "-": "removed"}
    lines = difflib.ndiff(before.splitlines(), after.splitlines())
    return tuple(DiffLine(ops[line[0]], line[2:]) for line in lines if line[0] in ops)


def _pair(before: str, after: str) -> tuple[str, str] | None:
    return (before, after) if before != after else None


def compare_versions(before: VersionView, after: VersionView) -> VersionChanges:
    """What `after` changed from `before`."""
    old = {item.url: item for item in before.files}
    new = {item.url: item for item in after.files}
    return VersionChanges(
        title=_pair(before.title, after.title),
        text=_text_diff(before.text, after.text),
        summary=_pair(before.summary, after.summary),
        licence=_pair(before.licence, after.licence),
        files_added=tuple(item for url, item in new.items() if url not in old),
        files_removed=tuple(item for url, item in old.items() if url not in new),
        files_described=tuple(
            item for url, item in new.items() if url in old and old[url].description != item.description
        ),
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One version with what it changed (None for the first version)."""

    version: VersionView
    changes: VersionChanges | None


def build_history(rows: Sequence[tuple[int, str]]) -> list[HistoryEntry]:
    """Every readable version with its visible changes, oldest first; versions that changed
    nothing a reader sees are left out."""
    entries: list[HistoryEntry] = []
    previous: VersionView | None = None
    for number, text in sorted(rows):
        view = read_version(number, text)
        if view is None:
            continue
        if previous is None:
            entries.append(HistoryEntry(view, None))
        else:
            changes = compare_versions(previous, view)
            if changes.visible:
                entries.append(HistoryEntry(view, changes))
        previous = view
    return entries


def last_visible_edit(rows: Sequence[tuple[int, str]]) -> datetime | None:
    """When the last version that changed something visible was made; None if none did."""
    history = build_history(rows)
    return history[-1].version.when if len(history) > 1 else None


async def history_of(contribution: Contribution) -> list[HistoryEntry]:
    """The readable history of `contribution` (see build_history)."""
    return build_history((await stored_versions([contribution.id])).get(contribution.id, []))


async def visible_edits(contributions: Sequence[Contribution]) -> dict[int, datetime]:
    """For each of `contributions` edited visibly, when it last was, by id (one query in all).

    Only rows with `edited_at` are looked at. Those whose versions were not kept (remote objects
    stored before versions were) keep their `edited_at`, as the origin said."""
    edited = [row for row in contributions if row.edited_at is not None]
    if not edited:
        return {}
    versions = await stored_versions([row.id for row in edited])
    result: dict[int, datetime] = {}
    for row in edited:
        rows = versions.get(row.id, [])
        when = last_visible_edit(rows) if len(rows) > 1 else row.edited_at
        if when is not None:
            result[row.id] = when
    return result
