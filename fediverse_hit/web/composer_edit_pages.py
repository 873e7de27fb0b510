"""Editing a work in the composer: `GET/POST /contributions/{id}/edit`. Saving makes a new
version: text, warning, licence and alt texts change, files may be removed and added; visibility
and the contribution replied to stay as published (as on Mastodon)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, PayloadTooLarge
from fediverse_hit.federation import publishing
from fediverse_hit.services.contribution_rules import MAX_ATTACHMENTS
from fediverse_hit.services.media import MediaLimits
from fediverse_hit.store.media_attachments import attachments_of
from fediverse_hit.store.models import Contribution, MediaAttachment
from fediverse_hit.web.composer_pages import (
    MAX_FORM_FILES,
    attached_ids,
    draft_of,
    max_composer_bytes,
    parse_values,
    render_composer,
    store_files,
)
from fediverse_hit.web.contribution_pages import own_contribution
from fediverse_hit.web.sessions import read_form, require_account


def values_of(contribution: Contribution, media: list[MediaAttachment]) -> dict[str, Any]:
    """The edit form filled with what is stored."""
    return {
        "title": contribution.title,
        "source": contribution.source,
        "kind": contribution.kind,
        "summary": contribution.summary,
        "language": contribution.language,
        "license": contribution.license,
        "visibility": contribution.visibility,
        "in_reply_to": contribution.in_reply_to_uri or "",
        "quote_policy": contribution.quote_policy,
        "sensitive": contribution.sensitive,
        "alts": [""] * MAX_ATTACHMENTS,
        "kept_ids": [item.id for item in media],
        "descriptions": {item.id: item.description for item in media},
        "removed": set(),
    }


async def edit_form(request: Request) -> Response:
    """`GET /contributions/{id}/edit`."""
    account = await require_account(request)
    _, contribution = await own_contribution(request, account)
    media = (await attachments_of([contribution.id])).get(contribution.id, [])
    return await render_composer(request, account, values_of(contribution, media), {}, editing=contribution)


async def save_edit(request: Request) -> Response:
    """`POST /contributions/{id}/edit`: a new version. Files may be removed and added (visibility
    and the reply target stay)."""
    account = await require_account(request)
    author, contribution = await own_contribution(request, account)
    limits = MediaLimits.from_settings(request.app.state.settings)
    attached = [item.id for item in (await attachments_of([contribution.id])).get(contribution.id, [])]
    try:
        form = await read_form(request, max_bytes=max_composer_bytes(limits), max_files=MAX_FORM_FILES)
    except PayloadTooLarge:
        media = (await attachments_of([contribution.id])).get(contribution.id, [])
        problem = {"files": f"The files are too large: {limits.describe()}."}
        return await render_composer(request, account, values_of(contribution, media), problem, editing=contribution, status_code=413)
    try:
        values = parse_values(form)
        uploads = [i for i in values["kept_ids"] if i not in attached]  # stored on an earlier try
        values["kept_ids"] = [*attached, *uploads]
        errors: dict[str, str] = {}
        await store_files(request, author, form, values, errors)
    finally:
        await form.close()
    values.update(visibility=contribution.visibility, in_reply_to=contribution.in_reply_to_uri or "", kind="")
    files = attached_ids(values)
    values["descriptions"] = {i: values["descriptions"].get(i, "") for i in values["kept_ids"]}
    if errors:
        return await render_composer(request, account, values, errors, editing=contribution, status_code=422)
    try:
        draft = draft_of(values, files, values["descriptions"])
        await publishing.edit_contribution(author, contribution, draft, request.app.state.fetcher, files=files)
    except HitError as exc:
        errors = {"composer": exc.message}
        status = exc.status_code
        return await render_composer(request, account, values, errors, editing=contribution, status_code=status)
    return RedirectResponse(f"{contribution.uri}?done=edited", status_code=303)
