"""The `fhit:sources` list and `fhit:upstreamShare` of a remix (DESIGN §7): build and parse.

A remix names each source it builds on in a `fhit:Source` entry that pins the exact version by its
`digestMultibase` (protocol/source_digests.py). Weights are basis points summing to exactly 10000.
Clients (C2S) send only `{"object": id}` with an optional `fhit:weight`; the server fills the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fediverse_hit.protocol.actor_parsing import ActorParseError, require_url
from fediverse_hit.protocol.source_digests import SourceDigestError, check_digest_multibase

SOURCES = "fhit:sources"
SOURCE_TYPE = "fhit:Source"
WEIGHT = "fhit:weight"
UPSTREAM_SHARE = "fhit:upstreamShare"
BASIS_POINTS = 10000
DEFAULT_UPSTREAM_SHARE = 5000  # DESIGN §7: half of a remix's value goes to what it builds on
# Each source is fetched, hashed and later verified recursively, so the count bounds the work one
# remix can cause. 50 covers a collage or a project work built from a challenge's selections while
# keeping every weight at least 200 bp (2 %) under equal shares.
MAX_SOURCES = 50
MAX_AUTHORS = 20  # attributedTo entries per source; a project work names its curators


class SourcesError(ValueError):
    """A `fhit:sources` list or `fhit:upstreamShare` that breaks a rule; the message says which."""


@dataclass(frozen=True)
class SourceRequest:
    """What a client asks for: a source id and, optionally, its weight."""

    object_id: str
    weight: int | None = None


@dataclass(frozen=True)
class Source:
    """One pinned source: the version of `object_id` whose digest is `digest`, by `authors`."""

    object_id: str
    authors: tuple[str, ...]
    digest: str
    weight: int


@dataclass(frozen=True)
class RemixSources:
    """The parsed sources of a remix (in order; the first is the primary) and its upstream share."""

    sources: tuple[Source, ...]
    upstream_share: int


def equal_weights(count: int) -> tuple[int, ...]:
    """`count` weights summing to 10000, as equal as integers allow: the first sources get the
    leftover basis points (largest remainder, ties broken by position)."""
    if not 1 <= count <= MAX_SOURCES:
        raise SourcesError(f"a remix has 1 to {MAX_SOURCES} sources, not {count}")
    base, extra = divmod(BASIS_POINTS, count)
    return tuple(base + (1 if index < extra else 0) for index in range(count))


def assign_weights(requested: Sequence[int | None]) -> tuple[int, ...]:
    """Final weights: given ones kept, the rest share what is left equally (largest remainder).

    With every weight given they must sum to exactly 10000; with some left out the given ones must
    leave a remainder for them (possibly 0)."""
    if not 1 <= len(requested) <= MAX_SOURCES:
        raise SourcesError(f"a remix has 1 to {MAX_SOURCES} sources, not {len(requested)}")
    given = sum(weight for weight in requested if weight is not None)
    missing = [index for index, weight in enumerate(requested) if weight is None]
    if not missing:
        if given != BASIS_POINTS:
            raise SourcesError(f"source weights sum to {given}, not {BASIS_POINTS}")
        return tuple(weight for weight in requested if weight is not None)
    if given > BASIS_POINTS:
        raise SourcesError(f"source weights sum to {given}, more than {BASIS_POINTS}")
    base, extra = divmod(BASIS_POINTS - given, len(missing))
    filled = {index: base + (1 if rank < extra else 0) for rank, index in enumerate(missing)}
    return tuple(filled.get(index, weight or 0) for index, weight in enumerate(requested))


def parse_source_requests(note: Mapping[str, Any]) -> tuple[tuple[SourceRequest, ...], int]:
    """The sources a client's Note asks for (C2S) and its upstream share; () when it cites none."""
    entries = _entries(note)
    requests = []
    for index, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = {"object": entry}
        if not isinstance(entry, Mapping):
            raise SourcesError(f"{SOURCES}[{index}] must be an object")
        weight = _weight(entry[WEIGHT], index) if WEIGHT in entry else None
        requests.append(SourceRequest(_url(entry.get("object"), index, "object"), weight))
    _refuse_duplicates([request.object_id for request in requests])
    if requests:
        assign_weights([request.weight for request in requests])  # refuse impossible weights now
    return tuple(requests), parse_upstream_share(note)


def parse_sources(note: Mapping[str, Any]) -> RemixSources | None:
    """The pinned sources of a published remix; None when it cites none. Every field is required."""
    entries = _entries(note)
    if not entries:
        return None
    sources = tuple(_source(entry, index) for index, entry in enumerate(entries))
    _refuse_duplicates([source.object_id for source in sources])
    total = sum(source.weight for source in sources)
    if total != BASIS_POINTS:
        raise SourcesError(f"source weights sum to {total}, not {BASIS_POINTS}")
    return RemixSources(sources, parse_upstream_share(note))


def parse_upstream_share(note: Mapping[str, Any]) -> int:
    """`fhit:upstreamShare` in basis points (0..10000), 5000 when absent."""
    if UPSTREAM_SHARE not in note:
        return DEFAULT_UPSTREAM_SHARE
    value = note[UPSTREAM_SHARE]
    if type(value) is not int or not 0 <= value <= BASIS_POINTS:
        raise SourcesError(f"{UPSTREAM_SHARE} must be an integer from 0 to {BASIS_POINTS}")
    return value


def build_source_entry(source: Source) -> dict[str, Any]:
    """The `fhit:Source` JSON of one pinned source; a single author is written as a plain id."""
    authors: str | list[str] = source.authors[0] if len(source.authors) == 1 else list(source.authors)
    return {
        "type": SOURCE_TYPE,
        "object": source.object_id,
        "attributedTo": authors,
        "digestMultibase": source.digest,
        WEIGHT: source.weight,
    }


def build_sources_fields(sources: RemixSources) -> dict[str, Any]:
    """The two fields a remix adds to its Note: `fhit:sources` and `fhit:upstreamShare`."""
    return {
        SOURCES: [build_source_entry(source) for source in sources.sources],
        UPSTREAM_SHARE: sources.upstream_share,
    }


def read_authors(value: object) -> tuple[str, ...]:
    """The author ids of an `attributedTo` value: an id, an object with an id, or a list of them."""
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > MAX_AUTHORS:
        raise SourcesError(f"attributedTo must name 1 to {MAX_AUTHORS} authors")
    authors = []
    for item in items:
        author = item.get("id") if isinstance(item, Mapping) else item
        try:
            authors.append(require_url(author, "attributedTo"))
        except ActorParseError as exc:
            raise SourcesError(str(exc)) from None
    return tuple(authors)


def _entries(note: Mapping[str, Any]) -> list[Any]:
    value = note.get(SOURCES, [])
    entries = value if isinstance(value, list) else [value]
    if len(entries) > MAX_SOURCES:
        raise SourcesError(f"{len(entries)} sources; a remix cites at most {MAX_SOURCES}")
    return entries


def _source(entry: object, index: int) -> Source:
    if not isinstance(entry, Mapping):
        raise SourcesError(f"{SOURCES}[{index}] must be an object")
    if entry.get("type") != SOURCE_TYPE:
        raise SourcesError(f"{SOURCES}[{index}] type must be {SOURCE_TYPE!r}")
    if WEIGHT not in entry:
        raise SourcesError(f"{SOURCES}[{index}] has no {WEIGHT}")
    try:
        digest = check_digest_multibase(entry.get("digestMultibase"))
        authors = read_authors(entry.get("attributedTo"))
    except (SourceDigestError, SourcesError) as exc:
        raise SourcesError(f"{SOURCES}[{index}]: {exc}") from None
    object_id = _url(entry.get("object"), index, "object")
    return Source(object_id, authors, digest, _weight(entry[WEIGHT], index))


def _weight(value: object, index: int) -> int:
    # type() and not isinstance(): JSON true would otherwise pass as the integer 1.
    if type(value) is not int or not 0 <= value <= BASIS_POINTS:
        raise SourcesError(f"{SOURCES}[{index}] {WEIGHT} must be an integer from 0 to {BASIS_POINTS}")
    return value


def _url(value: object, index: int, field: str) -> str:
    try:
        return require_url(value, field)
    except ActorParseError as exc:
        raise SourcesError(f"{SOURCES}[{index}]: {exc}") from None


def _refuse_duplicates(object_ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for object_id in object_ids:
        if object_id in seen:
            raise SourcesError(f"source {object_id} is cited twice; give it one weight instead")
        seen.add(object_id)
