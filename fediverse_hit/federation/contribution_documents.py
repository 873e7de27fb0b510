"""Turning stored local contributions into their signed `Note` documents (DESIGN §7).

Each version is built once, signed with its author's Ed25519 key (FEP-8b32, eddsa-jcs-2022)
and kept verbatim as a ContributionVersion; what we serve and send is that stored text, so the
digest a remix pins always matches what any server fetched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fediverse_hit.errors import HitError
from fediverse_hit.federation.attachment_documents import attachment_to_ap
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.addressing import addressing_for
from fediverse_hit.protocol.integrity_proofs import create_proof, with_proof_context
from fediverse_hit.protocol.credit_documents import CREDITS, with_credits_term
from fediverse_hit.protocol.notes import NoteAttachment, NoteFields, NoteTag, build_note
from fediverse_hit.protocol.quote_consent import apply_quote_consent
from fediverse_hit.services.contribution_rules import quote_policy_of
from fediverse_hit.services.quote_consent import consent_of
from fediverse_hit.protocol.remix_notes import RemixNote, add_remix_fields
from fediverse_hit.services.remixes import pinned_sources_of, primary_source_url
from fediverse_hit.services.challenges import challenge_deadline
from fediverse_hit.store.actors import find_active_key, find_actor_by_uri
from fediverse_hit.store.contributions import find_current_versions, find_version, mentioned_actors, store_version
from fediverse_hit.store.project_works import find_project_work
from fediverse_hit.store.media_attachments import attachments_of
from fediverse_hit.store.models import Actor, Contribution, ContributionTag, MediaAttachment


def _note_attachment(media: MediaAttachment, urls: InstanceUrls) -> NoteAttachment:
    document = attachment_to_ap(media, urls)
    icon = document.get("icon") or {}
    return NoteAttachment(
        media_type=media.media_type,
        url=str(document["url"]),
        description=media.description,
        blurhash=media.blurhash,
        width=media.width,
        height=media.height,
        duration_seconds=media.duration_seconds,
        cover_url=icon.get("url"),
        cover_media_type=icon.get("mediaType"),
    )


def _mention_tag(actor: Actor) -> NoteTag:
    return NoteTag("Mention", f"@{actor.username}@{actor.domain}", actor.uri)


async def build_contribution_note(contribution: Contribution, urls: InstanceUrls) -> dict[str, Any]:
    """The unsigned Note of `contribution` as it is now (its author prefetched)."""
    author: Actor = contribution.author
    local_id = str(contribution.local_id)
    mentioned = await mentioned_actors(contribution)
    tags = [_mention_tag(actor) for actor in mentioned]
    names = await ContributionTag.filter(contribution=contribution).order_by("id").values_list("name", flat=True)
    tags += [NoteTag("Hashtag", f"#{name}", urls.tag(str(name))) for name in names]
    media = (await attachments_of([contribution.id])).get(contribution.id, [])
    to, cc = addressing_for(
        contribution.visibility, urls.actor_collection(author.kind, author.username, "followers"), [a.uri for a in mentioned]
    )
    note = build_note(
        NoteFields(
            id=contribution.uri, url=contribution.url or contribution.uri, attributed_to=author.uri,
            kind=contribution.kind, title=contribution.title, body_html=contribution.content_html,
            summary=contribution.summary, sensitive=contribution.sensitive, language=contribution.language,
            license=contribution.license or None, published=contribution.published_at,
            updated=contribution.edited_at, to=to, cc=cc, in_reply_to=contribution.in_reply_to_uri,
            context=contribution.context_uri,
            replies=urls.contribution_collection(local_id, "replies"),
            likes=urls.contribution_collection(local_id, "likes"),
            shares=urls.contribution_collection(local_id, "shares"),
            attachments=[_note_attachment(item, urls) for item in media], tags=tags,
            quote_policy=await quote_policy_of(contribution),
            followers=urls.actor_collection(author.kind, author.username, "followers"),
        )
    )
    note = await _add_project_fields(note, contribution, author, urls)
    sources = await pinned_sources_of(contribution)
    if sources is not None:
        note = add_remix_fields(note, RemixNote(sources, await primary_source_url(contribution)))
    if CREDITS in note:
        note = {**note, "@context": with_credits_term(note["@context"])}
    consent = await consent_of(contribution)
    return apply_quote_consent(note, contribution.quote_authorization_uri, consent.state if consent else None)


async def _add_project_fields(
    note: dict[str, Any], contribution: Contribution, author: Actor, urls: InstanceUrls
) -> dict[str, Any]:
    """A contribution in a project names it as its `audience` too (FEP-1b12); a challenge (a Note
    by a project) carries its deadline as `endTime`; a work is attributed to the project and its
    curators and points at its credits (`fhit:credits`)."""
    if contribution.context_uri is None:
        return note
    project = await find_actor_by_uri(contribution.context_uri)
    if project is None or project.kind != "Group":
        return note  # a conversation context (Mastodon's), not a project
    extra: dict[str, Any] = {"audience": project.uri}
    deadline = await challenge_deadline(contribution) if author.kind == "Group" else None
    if deadline is not None:
        extra["endTime"] = deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    work = await find_project_work(contribution) if author.kind == "Group" else None
    if work is not None:
        extra["attributedTo"] = [author.uri, *(uri for uri in work.curator_uris if uri != author.uri)]
        extra[CREDITS] = urls.project_credits(author.username, str(contribution.local_id))
    return {**note, **extra}


async def sign_document(document: dict[str, Any], author: Actor, urls: InstanceUrls) -> dict[str, Any]:
    """`document` with a FEP-8b32 proof by `author`'s Ed25519 key (`#ed25519-key`)."""
    key = await find_active_key(author, "ed25519")
    if key is None or key.private_pem is None:
        raise HitError(f"{author.uri} has no Ed25519 signing key.")
    return create_proof(with_proof_context(document), key.private_pem, urls.ed25519_key_id(author.uri))


async def current_version_text(contribution: Contribution, urls: InstanceUrls) -> str:
    """The signed Note of the current version as stored (built, signed and kept on first use)."""
    existing = await find_version(contribution, contribution.version)
    if existing is not None:
        return existing.document_json
    signed = await sign_document(await build_contribution_note(contribution, urls), contribution.author, urls)
    text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    await store_version(contribution, contribution.version, text)
    return text


async def current_version_texts(contributions: Sequence[Contribution], urls: InstanceUrls) -> list[str]:
    """The signed Notes of a page of contributions (authors prefetched), in their order: the kept
    versions in one query, so a page of any length costs the same; a version not kept yet (a row
    older than version keeping) is built, signed and kept once, as `current_version_text` does."""
    stored = await find_current_versions(contributions)
    return [stored.get(row.id) or await current_version_text(row, urls) for row in contributions]


async def publish_version(contribution: Contribution, urls: InstanceUrls) -> dict[str, Any]:
    """Build, sign and keep the current version of `contribution`; returns the signed Note."""
    return json.loads(await current_version_text(contribution, urls))  # type: ignore[no-any-return]

