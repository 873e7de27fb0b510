"""Remixes here: which licence a remix gets, the pinned sources it keeps, and the links inbound
remixes and quotes make to works known here (DESIGN §7). The network side (fetching and
verifying sources) is federation/source_pinning.py; this module only decides and stores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tortoise.transactions import in_transaction

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.protocol.licenses import License, license_by_iri
from fediverse_hit.protocol.remix_licences import (
    RemixLicenceError,
    SourceLicence,
    check_remix_licence,
    combined_remix_licences,
)
from fediverse_hit.protocol.remix_sources import RemixSources, Source
from fediverse_hit.services.contribution_rules import Draft, can_quote, default_license
from fediverse_hit.services.contributions import create_contribution
from fediverse_hit.services.iris import ContributionIris
from fediverse_hit.store.chain_documents import keep_chain_document, keep_key_document
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Actor, Contribution, RemixSource


class LinkState(StrEnum):
    """What the remixing server established of a source when the remix was made."""

    VERIFIED = "verified"  # the source's own proof held
    ATTESTED = "attested"  # the source carries no proof: fetched from its origin, digest pinned
    DECLARED = ""  # a link another server declared (its remix or quote of a work known here)


@dataclass(frozen=True)
class KeptDocument:
    """One signed version, exactly as fetched or published, under its digest."""

    object_id: str
    digest: str
    text: str


@dataclass(frozen=True)
class PinnedSource:
    """A source as pinned by a remix made here: its `fhit:Source` entry, the exact text of the
    pinned version, what could be established of it, and what a chain bundle needs kept."""

    source: Source
    text: str
    licence: str | None
    link_state: str
    ancestors: tuple[KeptDocument, ...] = ()
    key_documents: tuple[tuple[str, str], ...] = ()  # (actor IRI, actor document text)


async def check_local_source(remixer: Actor, contribution: Contribution | None, object_id: str) -> Contribution:
    """The local contribution a remix cites, if the remixer may build on it (the quote rule)."""
    if contribution is None or not await can_quote(remixer, contribution):
        raise ValidationFailed(f"Source {object_id} does not exist here.")
    return contribution


async def choose_remix_licence(requested_iri: str, sources: Sequence[PinnedSource]) -> str:
    """The licence IRI a remix of `sources` carries: the one asked for, which must satisfy every
    source (ValidationFailed naming the source and its licence otherwise); with none asked for,
    the instance default when it fits, else the first catalog licence that does."""
    licences = [SourceLicence(pinned.source.object_id, pinned.licence) for pinned in sources]
    try:
        if requested_iri:
            requested = license_by_iri(requested_iri)
            if requested is None:
                raise ValidationFailed("The licence must be a Creative Commons 4.0 licence or CC0.")
            check_remix_licence(requested, licences)
            return requested.iri
        allowed = combined_remix_licences(licences)
        if not allowed:
            check_remix_licence(await default_license(), licences)  # raises, naming the source
        return _preferred(await default_license(), allowed).iri
    except RemixLicenceError as exc:
        raise ValidationFailed(f"This remix cannot be made: {exc.reason}.") from None


def _preferred(default: License, allowed: Sequence[License]) -> License:
    if default in allowed:
        return default
    return next((licence for licence in allowed if licence.permits_remix), allowed[0])


async def create_remix(
    author: Actor,
    draft: Draft,
    pinned: Sequence[PinnedSource],
    upstream_share: int,
    *,
    parent: Contribution | None,
    mentions: Mapping[str, Actor],
    iris: ContributionIris,
    addressed: Sequence[Actor] = (),
) -> Contribution:
    """Store a remix made here and what it pins in one transaction, so a failure while
    recording its sources never leaves a plain contribution (a remix without its credits) behind."""
    async with in_transaction():
        contribution = await create_contribution(
            author, draft, parent=parent, mentions=mentions, iris=iris, addressed=addressed
        )
        await record_remix(contribution, pinned, upstream_share)
    return contribution


async def record_remix(contribution: Contribution, pinned: Sequence[PinnedSource], upstream_share: int) -> None:
    """Keep what a remix made here pins: one RemixSource row per source (linked to the work when
    it is known here), the exact text of every pinned version and of its ancestors, and its
    authors' actor documents, so this server can serve the whole chain later."""
    async with in_transaction():
        contribution.upstream_share = upstream_share
        await contribution.save(update_fields=["upstream_share"])
        for position, entry in enumerate(pinned):
            source = entry.source
            known = await find_contribution_by_uri(source.object_id)
            await RemixSource.create(
                remix=contribution, position=position, source_uri=source.object_id, source=known,
                author_uris=list(source.authors), digest_multibase=source.digest, weight=source.weight,
                licence=(entry.licence or "")[:255], link_state=entry.link_state,
            )
            await keep_chain_document(source.digest, source.object_id, entry.text)
            for ancestor in entry.ancestors:
                await keep_chain_document(ancestor.digest, ancestor.object_id, ancestor.text)
            for actor_uri, text in entry.key_documents:
                await keep_key_document(actor_uri, text)


async def pinned_sources_of(contribution: Contribution) -> RemixSources | None:
    """The sources a remix pins, in order, as its Note states them; None when it is no remix."""
    if contribution.upstream_share is None:
        return None
    rows = await RemixSource.filter(remix=contribution).order_by("position")
    if not rows:
        return None
    sources = tuple(
        Source(row.source_uri, tuple(row.author_uris), row.digest_multibase, row.weight) for row in rows
    )
    return RemixSources(sources, contribution.upstream_share)


async def primary_source_url(contribution: Contribution) -> str:
    """The page of a remix's primary source when it is known here, else its id ("" for none)."""
    row = await RemixSource.filter(remix=contribution, position=0).prefetch_related("source").first()
    if row is None:
        return ""
    known: Contribution | None = row.source
    return (known.url or known.uri) if known is not None else row.source_uri


async def credited_local_authors(contribution: Contribution) -> list[Actor]:
    """Live local people whose works known here `contribution` remixes or quotes (each once)."""
    rows = await RemixSource.filter(remix=contribution, source_id__isnull=False).prefetch_related("source__author")
    people: dict[int, Actor] = {}
    for row in rows:
        known: Contribution | None = row.source
        if known is None:
            continue
        author: Actor = known.author
        if author.local and author.deleted_at is None:
            people.setdefault(author.id, author)
    return list(people.values())


async def record_inbound_links(
    contribution: Contribution, sources: RemixSources | None, quoted: str | None
) -> list[RemixSource]:
    """Link a remote remix (its `fhit:sources`) or quote (`quote` and its aliases) to the works
    known here it builds on, so each lists it among its remixes. Kept once; a quote that is no
    remix is one source of full weight and no pinned digest."""
    if contribution.local or await RemixSource.filter(remix=contribution).exists():
        return []
    entries = list(sources.sources) if sources is not None else []
    if not entries and quoted is not None:
        entries = [Source(quoted, (), "", 10000)]
    rows = []
    async with in_transaction():
        for position, source in enumerate(entries):
            known = await find_contribution_by_uri(source.object_id)
            rows.append(await RemixSource.create(
                remix=contribution, position=position, source_uri=source.object_id, source=known,
                author_uris=list(source.authors), digest_multibase=source.digest, weight=source.weight,
                link_state=LinkState.DECLARED,
            ))
        if sources is not None:
            contribution.upstream_share = sources.upstream_share
            await contribution.save(update_fields=["upstream_share"])
    return rows



async def cites_local_work(iris: Sequence[str]) -> bool:
    """Whether any of `iris` is a live local contribution (one query)."""
    if not iris:
        return False
    return await Contribution.filter(uri__in=list(iris), local=True, deleted_at=None).exists()
