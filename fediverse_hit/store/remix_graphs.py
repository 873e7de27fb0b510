"""The family of a contribution as stored here: every pinned source above it and every remix below
it (DESIGN §7), each direction in one recursive query whatever its depth.

`UNION` (not `UNION ALL`) keeps each contribution once, so the query ends even on a cycle by
object id (digests rule out a cycle between versions, not between ids).
"""

from __future__ import annotations

from dataclasses import dataclass

from fediverse_hit.store.job_claims import database, placeholders
from fediverse_hit.store.models import Contribution, RemixSource

MAX_FAMILY = 5000  # contributions loaded for one page; past this the tree says it was cut

_ANCESTORS = (
    "WITH RECURSIVE reach(id) AS (SELECT ? UNION "
    "SELECT s.source_id FROM remix_sources s JOIN reach r ON s.remix_id = r.id WHERE s.source_id IS NOT NULL) "
    "SELECT s.id FROM remix_sources s WHERE s.remix_id IN (SELECT id FROM reach) LIMIT ?"
)
_DESCENDANTS = (
    "WITH RECURSIVE reach(id) AS (SELECT ? UNION "
    "SELECT s.remix_id FROM remix_sources s JOIN reach r ON s.source_id = r.id) "
    "SELECT s.id FROM remix_sources s WHERE s.source_id IN (SELECT id FROM reach) LIMIT ?"
)


@dataclass(frozen=True)
class RemixFamily:
    """`links` above (`sources`) and below (`remixes`) the root, with every contribution they name
    that is stored here (`contributions`, authors prefetched, by row id); `cut` when more than
    MAX_FAMILY links were found."""

    root: Contribution
    sources: tuple[RemixSource, ...]
    remixes: tuple[RemixSource, ...]
    contributions: dict[int, Contribution]
    cut: bool


async def _link_ids(sql: str, root_id: int) -> list[int]:
    db = database()
    rows = await db.execute_query_dict(placeholders(sql, db), [root_id, MAX_FAMILY + 1])
    return [int(row["id"]) for row in rows]


async def load_remix_family(root: Contribution) -> RemixFamily:
    """Every link of `root`'s family, in a stable order (by remix, then source position)."""
    up = await _link_ids(_ANCESTORS, root.id)
    down = await _link_ids(_DESCENDANTS, root.id)
    cut = len(up) > MAX_FAMILY or len(down) > MAX_FAMILY
    ids = up[:MAX_FAMILY] + down[:MAX_FAMILY]
    rows = {row.id: row for row in await RemixSource.filter(id__in=ids)} if ids else {}
    order = sorted(rows.values(), key=lambda row: (row.remix_id, row.position))  # type: ignore[attr-defined]
    wanted = {root.id}
    for row in order:
        wanted.add(row.remix_id)  # type: ignore[attr-defined]
        if row.source_id is not None:  # type: ignore[attr-defined]
            wanted.add(row.source_id)  # type: ignore[attr-defined]
    found = await Contribution.filter(id__in=list(wanted)).prefetch_related("author")
    contributions = {row.id: row for row in found}
    up_set = set(up)
    return RemixFamily(
        root=root,
        sources=tuple(row for row in order if row.id in up_set),
        remixes=tuple(row for row in order if row.id not in up_set),
        contributions=contributions,
        cut=cut,
    )


async def find_remix_sources(remix: Contribution) -> list[RemixSource]:
    """The sources `remix` pins, in order, with the source rows known here prefetched."""
    return await RemixSource.filter(remix=remix).order_by("position").prefetch_related("source__author")
