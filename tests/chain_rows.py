"""Test helper: attribution chains stored as rows, as a server that made or received remixes keeps
them: remote works and remixes as contributions with their JSON as received, local remixes as
versions signed with our author's key, kept source snapshots and kept actor documents."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fediverse_hit.federation.contribution_documents import build_contribution_note, sign_document
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import RemixSources, Source, build_sources_fields, read_authors
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.contributions import create_contribution
from fediverse_hit.store.chain_documents import keep_chain_document, keep_key_document
from fediverse_hit.store.contributions import store_version
from fediverse_hit.store.models import Actor, Contribution
from tests.protocol.chain_worlds import Author, Cite


def as_text(document: Mapping[str, Any]) -> str:
    """A document's JSON text, as a server would serve it."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def pin(cites: Sequence[Cite]) -> RemixSources:
    """The `fhit:sources` pinning each cited document exactly as given."""
    return RemixSources(
        tuple(
            Source(
                str(cite.document["id"]),
                read_authors(cite.document["attributedTo"]),
                compute_digest_multibase(cite.document),
                cite.weight,
            )
            for cite in cites
        ),
        5000,
    )


async def keep_snapshots(documents: Sequence[Mapping[str, Any]], authors: Sequence[Author]) -> None:
    """Keep each document as a source snapshot and each author's actor document."""
    for document in documents:
        await keep_chain_document(compute_digest_multibase(document), str(document["id"]), as_text(document))
    for author in authors:
        await keep_key_document(author.id, as_text(author.actor_document()))


async def remote_actor(author: Author) -> Actor:
    """The row of a remote author, with the document we fetched of them."""
    actor, _created = await Actor.get_or_create(
        uri=author.id,
        defaults={"username": author.name, "domain": author.host, "document": author.actor_document()},
    )
    return actor


async def store_remote_work(document: Mapping[str, Any], author: Author, visibility: str = "public") -> Contribution:
    """A remote contribution received here, its JSON kept exactly as it arrived."""
    return await Contribution.create(
        uri=str(document["id"]),
        author=await remote_actor(author),
        local=False,
        visibility=visibility,
        published_at=datetime(2026, 1, 2, tzinfo=UTC),
        raw_json=as_text(document),
        document=dict(document),
    )


async def store_local_work(author: Actor, urls: InstanceUrls, title: str, cites: Sequence[Cite] = ()) -> Contribution:
    """A contribution by our `author`, its current version signed with their key; a remix of
    `cites` when given (pinning each cited document exactly)."""
    contribution = await create_contribution(
        author, Draft(title=title, source=f"{title}, the text."), parent=None, mentions={}, iris=urls
    )
    note = await build_contribution_note(contribution, urls)
    if cites:
        note.update(build_sources_fields(pin(cites)))
    await store_version(contribution, contribution.version, as_text(await sign_document(note, author, urls)))
    return contribution


async def edit_local_work(contribution: Contribution, urls: InstanceUrls, title: str) -> None:
    """A new version of our contribution, signed again; the earlier versions stay kept."""
    contribution.title = title
    contribution.version += 1
    await contribution.save(update_fields=["title", "version"])
    note = await build_contribution_note(contribution, urls)
    await store_version(contribution, contribution.version, as_text(await sign_document(note, contribution.author, urls)))
