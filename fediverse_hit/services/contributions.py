"""Creating, editing, deleting and pinning local contributions (DESIGN §7).

Services record what changed; the federation layer (`federation/publishing.py`) turns each change
into a signed document, a kept version and deliveries. Markdown is rendered and sanitized here,
once, so every page and every peer gets the same safe HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from fediverse_hit.errors import Forbidden, Gone, ValidationFailed
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.markup import RenderedMarkup, render_markdown
from fediverse_hit.services.contribution_rules import (
    MAX_PINS,
    Draft,
    can_pin,
    check_draft,
    default_license,
    kind_for,
)
from fediverse_hit.services.iris import ContributionIris
from fediverse_hit.store.contributions import (
    mark_deleted,
    mentioned_actors,
    new_local_id,
    set_hashtags,
    set_mentions,
)
from fediverse_hit.store.media_attachments import attach_media, replace_attachments
from fediverse_hit.store.models import Actor, Contribution, MediaAttachment


def _render(draft: Draft, mentions: Mapping[str, Actor], iris: ContributionIris) -> RenderedMarkup:
    def mention_href(handle: str) -> str | None:
        actor = mentions.get(handle.lower())
        return (actor.url or actor.uri) if actor is not None else None

    return render_markdown(draft.source, hashtag_href=iris.tag, mention_href=mention_href)


def _mentioned(
    rendered: RenderedMarkup, mentions: Mapping[str, Actor], parent: Contribution | None, addressed: Sequence[Actor]
) -> list[Actor]:
    """Everyone the text mentions or the author addressed, plus the author of the contribution
    replied to (as Mastodon)."""
    actors = [mentions[handle] for handle in rendered.mentions if handle in mentions] + list(addressed)
    if parent is not None:
        actors.insert(0, parent.author)
    return actors


def _ensure_author(author: Actor, contribution: Contribution) -> None:
    if contribution.author_id != author.id:  # type: ignore[attr-defined]
        raise Forbidden("Only its author can change this contribution.")
    if contribution.deleted_at is not None:
        raise Gone("This contribution was deleted.")


async def _license_iri(draft: Draft) -> str:
    chosen = license_by_iri(draft.license) if draft.license else await default_license()
    assert chosen is not None  # check_draft refused unknown licences
    return chosen.iri


async def _describe_media(author: Actor, descriptions: Mapping[int, str], allowed: Sequence[int]) -> None:
    """Set alt texts, only on `allowed` media (this contribution's files) owned by `author`."""
    for media_id, description in descriptions.items():
        if len(description) > 1500:
            raise ValidationFailed("A description (alt text) can be at most 1500 characters.")
        if media_id in allowed:
            await MediaAttachment.filter(id=media_id, owner=author).update(description=description)


async def create_contribution(
    author: Actor,
    draft: Draft,
    *,
    parent: Contribution | None,
    mentions: Mapping[str, Actor],
    iris: ContributionIris,
    addressed: Sequence[Actor] = (),
) -> Contribution:
    """Store a new contribution by `author` (a live local person), with its files attached.

    `mentions` maps each lower-cased handle written in the text to its resolved actor; `parent`
    is the contribution replied to, already checked as visible to the author; `addressed` are
    actors the author addressed directly (they are mentioned, and receive it).
    """
    check_draft(draft)
    if parent is not None and parent.deleted_at is not None:
        raise Gone("The contribution you are replying to was deleted.")
    rendered = _render(draft, mentions, iris)
    license_iri = await _license_iri(draft)
    now = datetime.now(UTC).replace(microsecond=0)
    async with in_transaction():
        await _describe_media(author, draft.media_descriptions, draft.media_ids)
        local_id = new_local_id()
        uri = iris.contribution(local_id)
        contribution = await Contribution.create(
            uri=uri, local_id=local_id, url=uri, author=author, local=True,
            title=draft.title.strip(), source=draft.source, content_html=rendered.html,
            summary=draft.summary.strip(), sensitive=draft.sensitive or bool(draft.summary.strip()),
            language=draft.language, license=license_iri, visibility=draft.visibility,
            in_reply_to_uri=parent.uri if parent else draft.in_reply_to, in_reply_to=parent,
            context_uri=draft.context or (parent.context_uri if parent else None), published_at=now,
            quote_policy=draft.quote_policy,
        )
        media = await attach_media(contribution.id, author.id, draft.media_ids)
        contribution.kind = kind_for(draft.kind, [item.kind for item in media])
        await contribution.save(update_fields=["kind"])
        await set_mentions(contribution, _mentioned(rendered, mentions, parent, addressed))
        await set_hashtags(contribution, rendered.hashtags)
    contribution.author = author
    return contribution


async def edit_contribution(
    author: Actor,
    contribution: Contribution,
    draft: Draft,
    *,
    mentions: Mapping[str, Actor],
    iris: ContributionIris,
    addressed: Sequence[Actor] = (),
    files: Sequence[int] | None = None,
) -> Contribution:
    """Change the text, warning, language, licence and alt texts (of this contribution's own
    files); the version number goes up. `files`, when given, become its files in that order
    (kept ones and fresh uploads; the kind follows them); None keeps the files as they are.

    Visibility and the contribution replied to stay as published (as on Mastodon).
    """
    _ensure_author(author, contribution)
    check_draft(draft)
    rendered = _render(draft, mentions, iris)
    parent = await Contribution.get_or_none(id=contribution.in_reply_to_id).prefetch_related("author")  # type: ignore[attr-defined]
    async with in_transaction():
        if files is not None:
            attached = await replace_attachments(contribution.id, author.id, files)
            contribution.kind = kind_for("", [item.kind for item in attached])
        else:
            attached = await MediaAttachment.filter(contribution=contribution).only("id")
        await _describe_media(author, draft.media_descriptions, [media.id for media in attached])
        contribution.title = draft.title.strip()
        contribution.source = draft.source
        contribution.content_html = rendered.html
        contribution.summary = draft.summary.strip()
        contribution.sensitive = draft.sensitive or bool(contribution.summary)
        # Left out of an edit (a C2S Update without them), language and licence stay as they were.
        contribution.language = draft.language or contribution.language
        if draft.license:
            contribution.license = await _license_iri(draft)
        if draft.quote_policy:  # left out of an edit, who may quote stays as it was
            contribution.quote_policy = draft.quote_policy
        contribution.version += 1
        contribution.edited_at = datetime.now(UTC).replace(microsecond=0)
        await contribution.save()
        # Mentions are only added on edit: whoever received a version keeps receiving its updates.
        earlier = await mentioned_actors(contribution)
        await set_mentions(contribution, [*earlier, *_mentioned(rendered, mentions, parent, addressed)])
        await set_hashtags(contribution, rendered.hashtags)
    return contribution


async def delete_contribution(author: Actor, contribution: Contribution) -> None:
    """Delete `contribution`: it answers 410 from now on and its IRI is never reused."""
    _ensure_author(author, contribution)
    await mark_deleted(contribution, datetime.now(UTC))


async def set_pinned(author: Actor, contribution: Contribution, pinned: bool) -> None:
    """Pin (feature) or unpin one of `author`'s contributions; direct ones cannot be pinned."""
    _ensure_author(author, contribution)
    if pinned and contribution.pinned_at is None:
        if not can_pin(author, contribution):
            raise ValidationFailed("Direct contributions cannot be pinned.")
        if await Contribution.filter(author=author, pinned_at__isnull=False, deleted_at=None).count() >= MAX_PINS:
            raise ValidationFailed(f"At most {MAX_PINS} contributions can be pinned.")
        contribution.pinned_at = datetime.now(UTC)
    elif not pinned:
        contribution.pinned_at = None
    await contribution.save(update_fields=["pinned_at"])
