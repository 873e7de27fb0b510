"""Comments on a payment proposal (DESIGN §7 Payments): a `Note` whose `inReplyTo` is the proposal,
written here on the proposal page or arriving from any server. Each is kept once (by its id) and
the project `Announce`s it to every contributor, as a FEP-1b12 Group relays what is addressed to
it, so the discussion reaches everyone the proposal pays.
"""

from __future__ import annotations

import html
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.federation.fetcher import Fetcher, parse_json_object
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.payment_proposals import credited_actors
from fediverse_hit.protocol.html_sanitizing import sanitize_html
from fediverse_hit.protocol.media_types import FETCH_ACCEPT, is_activity_media_type
from fediverse_hit.protocol.payment_documents import PaymentKind
from fediverse_hit.protocol.vocab import AS_CONTEXT
from fediverse_hit.store.models import Actor, PaymentComment, PaymentProposal, Project

MAX_COMMENT_CHARS = 5_000
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def comment_locally(proposal: PaymentProposal, author: Actor, text: str, fetcher: Fetcher) -> PaymentComment:
    """A comment written on the proposal page by a local person: kept, then announced."""
    body = text.strip()
    if not body:
        raise ValidationFailed("A comment needs some text.")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationFailed(f"A comment is at most {MAX_COMMENT_CHARS} characters.")
    project: Project = await proposal.project
    group: Actor = await project.actor
    proposal_uri = fetcher.urls.project_payment(project.slug, proposal.id)
    content = "".join(f"<p>{html.escape(part)}</p>" for part in body.replace("\r\n", "\n").split("\n\n") if part.strip())
    note = {
        "@context": AS_CONTEXT,
        "id": f"{proposal_uri}/comments/{uuid.uuid4()}",
        "type": "Note",
        "attributedTo": author.uri,
        "inReplyTo": proposal_uri,
        "content": content,
        "published": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "to": [group.uri],
        "cc": [PUBLIC],
    }
    comment = await keep_comment(proposal, author, note)
    assert comment is not None  # a fresh uuid is never kept before
    await announce_comment(proposal, note, fetcher)
    return comment


async def keep_comment(proposal: PaymentProposal, author: Actor, note: dict[str, Any]) -> PaymentComment | None:
    """Keep `note` as a comment (its HTML sanitized); None when its id was kept before."""
    content = note.get("content")
    published = note.get("published")
    try:
        return await PaymentComment.create(
            proposal=proposal, uri=note["id"], author=author,
            content_html=sanitize_html(content if isinstance(content, str) else "")[:MAX_COMMENT_CHARS * 2],
            note_json=json.dumps(note, ensure_ascii=False, separators=(",", ":")),
            published=published[:64] if isinstance(published, str) else "",
        )
    except IntegrityError:
        return None


async def announce_comment(proposal: PaymentProposal, note: dict[str, Any], fetcher: Fetcher) -> None:
    """The project `Announce`s the comment (embedded) to every contributor's server but the author's."""
    project: Project = await proposal.project
    group: Actor = await project.actor
    author = note.get("attributedTo")
    recipients = [actor for actor in await credited_actors(proposal, None) if actor.uri != author]
    inboxes = inboxes_for(recipients)
    if not inboxes:
        return
    announce = {
        "@context": AS_CONTEXT,
        "id": fetcher.urls.new_activity_id(),
        "type": "Announce",
        "actor": group.uri,
        "published": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "to": sorted(proposal.shares),
        "object": {key: value for key, value in note.items() if key != "@context"},
    }
    await enqueue_activity(announce, group, inboxes)


async def list_comments(proposal: PaymentProposal) -> list[PaymentComment]:
    """The proposal's comments, oldest first, with their authors."""
    return await PaymentComment.filter(proposal=proposal).order_by("id").prefetch_related("author")


async def find_comment(uri: str) -> PaymentComment | None:
    return await PaymentComment.get_or_none(uri=uri)


async def proposal_project(iri: str, fetcher: Fetcher) -> str | None:
    """The project of the payment proposal at `iri` on another server (fetched, signed), or None
    when `iri` is no proposal: a local person's reply to it is a comment on it."""
    try:
        fetched = await fetcher.fetch(iri, accept=FETCH_ACCEPT, signed=True, accept_type=is_activity_media_type)
        document = parse_json_object(fetched.url, fetched.body)
    except FetchError:
        return None
    project = document.get("attributedTo")
    if document.get("type") != PaymentKind.PROPOSAL or document.get("id") != iri or not isinstance(project, str):
        return None
    return project
