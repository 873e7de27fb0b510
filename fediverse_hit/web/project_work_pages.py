"""`/projects/{slug}/works/new`: a curator composes a work from the selected pieces (ticked) and
any other works (by address), with weights in percent (empty: equal shares of what is left) and
the share of the credit owed to them, and optionally the work's own file (stored for the
project's Group actor, kept across a form with errors). Published through the same function as a
C2S `Create` with `fhit:sources` (federation/project_works.py); then the work's credits page opens."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, PayloadTooLarge
from fediverse_hit.federation.project_works import publish_project_work
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import DEFAULT_UPSTREAM_SHARE
from fediverse_hit.protocol.vocabulary import SubmissionState
from fediverse_hit.services.contribution_rules import MAX_BODY, MAX_TITLE, Draft, default_license, license_choices
from fediverse_hit.services.media import MediaLimits, store_upload
from fediverse_hit.services.submissions import list_submissions
from fediverse_hit.store.media_attachments import find_own_media
from fediverse_hit.store.models import MediaAttachment, Project, ProjectSubmission
from fediverse_hit.web.contribution_cards import build_cards, label_of
from fediverse_hit.web.project_access import require_curating
from fediverse_hit.web.remix_form import parse_source_fields
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import MAX_FORM_BYTES, read_form

OTHER_SLOTS = 3  # other sources by address


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def _values(form: FormData, pieces: list[ProjectSubmission]) -> dict[str, Any]:
    kept = _text(form, "media_id")
    return {
        "title": _text(form, "title"), "text": _text(form, "text"), "license": _text(form, "license"),
        "alt": _text(form, "alt"), "media_id": int(kept) if kept.isdigit() else None,
        "upstream_share": _text(form, "upstream_share") or str(DEFAULT_UPSTREAM_SHARE // 100),  # as in the composer
        "picked": {uri for uri in form.getlist("piece") if isinstance(uri, str)},
        "piece_weights": {row.id: _text(form, f"piece_weight_{row.id}") for row in pieces},
        "others": [{"url": _text(form, f"source_url_{n}"), "weight": _text(form, f"source_weight_{n}")}
                   for n in range(1, OTHER_SLOTS + 1)],
    }


def _source_entries(values: dict[str, Any], pieces: list[ProjectSubmission]) -> list[dict[str, str]]:
    """The ticked pieces, then the other sources typed, each naming its own form fields."""
    entries = [
        {"url": row.contribution.uri, "weight": values["piece_weights"][row.id], "label": f"“{label_of(row.contribution)}”",
         "url_key": f"piece_{row.id}", "weight_key": f"piece_weight_{row.id}"}
        for row in pieces if row.contribution.uri in values["picked"]
    ]
    for n, other in enumerate(values["others"], start=1):
        if other["url"] or other["weight"]:
            entries.append({**other, "label": f"Other source {n}", "url_key": f"source_url_{n}", "weight_key": f"source_weight_{n}"})
    return entries


async def work_form(request: Request) -> Response:
    """The form, every selected piece ticked with an equal share."""
    project, _ = await require_curating(request)
    pieces = await list_submissions(project, SubmissionState.SELECTED)
    values: dict[str, Any] = {
        "title": "", "text": "", "license": project.license or (await default_license()).iri, "alt": "", "media_id": None,
        "upstream_share": str(DEFAULT_UPSTREAM_SHARE // 100),
        "picked": {row.contribution.uri for row in pieces}, "piece_weights": {},
        "others": [{"url": "", "weight": ""} for _ in range(OTHER_SLOTS)],
    }
    return await _render(request, project, pieces, values, {})


async def post_work(request: Request) -> Response:
    """Publish the work as the project and open its credits, or show the form again."""
    project, curator = await require_curating(request)
    pieces = await list_submissions(project, SubmissionState.SELECTED)
    limits = MediaLimits.from_settings(request.app.state.settings)
    errors: dict[str, str] = {}
    try:
        form = await read_form(request, max_bytes=limits.largest_file + MAX_FORM_BYTES, max_files=1)
    except PayloadTooLarge:
        values = _values(FormData(), pieces)
        errors["file"] = f"The file is too large: {limits.describe()}."
        return await _render(request, project, pieces, values, errors, status_code=413)
    try:
        values = _values(form, pieces)
        await _store_file(request, project, form, values, errors)
    finally:
        await form.close()
    if not values["title"]:
        errors["title"] = "Give the work a title."
    entries = _source_entries(values, pieces)
    if not entries:
        errors["sources"] = "Tick at least one selected piece, or give the address of another work."
    sources, upstream_share = parse_source_fields({"sources": entries, "upstream_share": values["upstream_share"]}, errors)
    if errors:
        return await _render(request, project, pieces, values, errors, status_code=422)
    media = (values["media_id"],) if values["media_id"] is not None else ()
    draft = Draft(title=values["title"], source=values["text"], license=values["license"], sources=sources,
                  upstream_share=upstream_share, media_ids=media, media_descriptions={m: values["alt"] for m in media})
    try:
        work = await publish_project_work(project, curator, draft, request.app.state.fetcher)
    except HitError as exc:
        return await _render(request, project, pieces, values, {"work": exc.message}, status_code=exc.status_code)
    urls: InstanceUrls = request.app.state.urls
    return RedirectResponse(urls.project_credits(project.slug, str(work.local_id)), status_code=303)


async def _store_file(request: Request, project: Project, form: FormData, values: dict[str, Any], errors: dict[str, str]) -> None:
    """Store a chosen file for the project's Group (it is the work's author); a file kept from an
    earlier try must be the Group's own."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        settings = request.app.state.settings
        try:
            media = await store_upload(project.actor, upload, None, values["alt"], settings.media_dir, MediaLimits.from_settings(settings))
        except HitError as exc:
            errors["file"] = f"{upload.filename}: {exc.message}"
            return
        values["media_id"] = media.id
    elif values["media_id"] is not None and not await find_own_media(project.actor, [values["media_id"]]):
        values["media_id"] = None  # not the project's upload: dropped, never attached


async def _render(
    request: Request, project: Project, pieces: list[ProjectSubmission], values: dict[str, Any],
    errors: dict[str, str], status_code: int = 200,
) -> Response:
    cards = await build_cards([row.contribution for row in pieces], None, request.app.state.urls)
    context = {
        "project": project, "values": values, "errors": errors,
        "pieces": [
            {"id": row.id, "uri": row.contribution.uri, "label": card["label"], "href": card["page_url"],
             "by": card["author"]["handle"], "kind": card["kind_label"], "thumbnail": _thumbnail(card),
             "picked": row.contribution.uri in values["picked"], "weight": values["piece_weights"].get(row.id, "")}
            for row, card in zip(pieces, cards, strict=True)
        ],
        "kept": await _kept(project, values["media_id"]),
        "media_help": MediaLimits.from_settings(request.app.state.settings).describe(),
        "others_open": any(other["url"] or other["weight"] for other in values["others"]) or not pieces,
        "licenses": license_choices(),
        "limits": {"title": MAX_TITLE, "text": MAX_BODY},
    }
    return await render(request, "project_work_new.html", context, status_code=status_code)


async def _kept(project: Project, media_id: int | None) -> MediaAttachment | None:
    """The file stored on an earlier try, when it is the project's own."""
    found = await find_own_media(project.actor, [media_id]) if media_id is not None else []
    return found[0] if found else None


def _thumbnail(card: dict[str, Any]) -> dict[str, str] | None:
    """A small picture of a piece (its first image, or a recording's cover), unless sensitive."""
    first = card["attachments"][0] if card["attachments"] else None
    if first is None or card["sensitive"] or not (first["kind"] == "image" or first.get("poster_url")):
        return None
    return {"src": first.get("thumbnail_url") or first.get("poster_url") or first["url"], "alt": first["alt"]}
