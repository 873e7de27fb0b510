"""The composer: `GET/POST /contributions/new` (files travel in the same multipart form; editing
is in composer_edit_pages.py). On any problem the form comes back with the message and
everything typed kept; files already stored stay attached (as hidden ids) so nobody uploads twice.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, PayloadTooLarge
from fediverse_hit.federation.quote_requests import publish_asking_consent
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.quote_consent import QuotePolicy
from fediverse_hit.protocol.vocabulary import Visibility
from fediverse_hit.services.contribution_rules import (
    KINDS,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    Draft,
    can_view,
    default_license,
    license_choices,
)
from fediverse_hit.services.captions import MAX_CAPTIONS_BYTES
from fediverse_hit.services.media import MediaLimits, store_upload
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.media_attachments import find_own_media
from fediverse_hit.store.models import Account, Actor, Contribution, MediaAttachment
from fediverse_hit.web.contribution_cards import VISIBILITY_LABELS, label_of, page_url
from fediverse_hit.web.remix_form import (
    describe_sources,
    empty_source_fields,
    parse_source_fields,
    read_source_fields,
    source_slots,
)
from fediverse_hit.web.project_submit_pages import submission_draft, submission_target
from fediverse_hit.web.rendering import render
from fediverse_hit.web.reply_mentions import reply_mentions
from fediverse_hit.web.security_headers import PAGE_POLICY
from fediverse_hit.web.source_picker import add_picked_source, build_picker, chosen_step
from fediverse_hit.web.sessions import MAX_FORM_BYTES, read_form, require_account

# upload.js sends the form with XMLHttpRequest to show progress, which needs `connect-src 'self'`.
COMPOSER_POLICY = PAGE_POLICY + "; connect-src 'self'"
# `project`: the slug of a project this contribution is submitted to (its submit page links here).
TEXT_FIELDS = (
    "title", "source", "kind", "summary", "language", "license", "visibility", "in_reply_to", "quote_policy", "project",
)
# Who may quote a work (FEP-044f); "" keeps the author's default from the settings.
QUOTE_POLICY_LABELS = {
    "": "As in my settings",
    QuotePolicy.ANYONE: "Anyone",
    QuotePolicy.FOLLOWERS: "My followers",
    QuotePolicy.MANUAL: "People I approve",
}
LIMITS = {"title": MAX_TITLE, "source": MAX_BODY, "summary": MAX_SUMMARY, "files": MAX_ATTACHMENTS}


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def parse_values(form: FormData) -> dict[str, Any]:
    """What the person typed, to publish or to show again."""
    values: dict[str, Any] = {name: _text(form, name).replace("\r\n", "\n") for name in TEXT_FIELDS}
    values["sensitive"] = "sensitive" in form
    values["alts"] = [_text(form, f"alt_{n}") for n in range(1, MAX_ATTACHMENTS + 1)]
    kept = [int(v) for v in form.getlist("media_id") if isinstance(v, str) and v.isdigit()]
    values["kept_ids"] = kept[:MAX_ATTACHMENTS]
    values["descriptions"] = {i: _text(form, f"description_{i}") for i in values["kept_ids"]}
    values["removed"] = {int(v) for v in form.getlist("remove_media") if isinstance(v, str) and v.isdigit()}
    values.update(read_source_fields(form))
    return values


def draft_of(values: dict[str, Any], media_ids: list[int], descriptions: dict[int, str]) -> Draft:
    return Draft(
        title=values["title"],
        source=values["source"],
        kind=values["kind"],
        summary=values["summary"],
        sensitive=values["sensitive"],
        language=values["language"].strip(),
        license=values["license"],
        visibility=values["visibility"] or Visibility.PUBLIC,
        in_reply_to=values["in_reply_to"] or None,
        media_ids=tuple(media_ids),
        media_descriptions=descriptions,
        quote_policy=values["quote_policy"],
    )


def attached_ids(values: dict[str, Any]) -> list[int]:
    """The files to publish with: those kept, less those ticked "Remove"."""
    return [i for i in values["kept_ids"] if i not in values["removed"]]


def _upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def _chosen_files(form: FormData) -> list[tuple[int, UploadFile, UploadFile | None, UploadFile | None]]:
    """(slot, file, optional cover image, optional WebVTT captions) for each slot where a file was chosen."""
    slots = [
        (n, _upload(form, f"file_{n}"), _upload(form, f"cover_{n}"), _upload(form, f"captions_{n}"))
        for n in range(1, MAX_ATTACHMENTS + 1)
    ]
    return [(n, upload, cover, captions) for n, upload, cover, captions in slots if upload is not None]


# Each file slot of the form holds up to three files: the file, its cover and its captions.
MAX_FORM_FILES = 3 * MAX_ATTACHMENTS


def max_composer_bytes(limits: MediaLimits) -> int:
    """The most a composer post may carry: every slot's largest file, cover and captions, plus the fields."""
    return MAX_ATTACHMENTS * (limits.largest_file + limits.image_bytes + MAX_CAPTIONS_BYTES) + MAX_FORM_BYTES


async def store_files(
    request: Request, author: Actor, form: FormData, values: dict[str, Any], errors: dict[str, str]
) -> None:
    """Store each chosen file with its alt text; stored ones join `values["kept_ids"]`."""
    settings = request.app.state.settings
    limits = MediaLimits.from_settings(settings)
    for n, upload, cover, captions in _chosen_files(form):
        if len(attached_ids(values)) >= MAX_ATTACHMENTS:
            errors[f"file_{n}"] = f"At most {MAX_ATTACHMENTS} files can be attached."
            continue
        try:
            media = await store_upload(
                author, upload, None, values["alts"][n - 1], settings.media_dir, limits, cover=cover, captions=captions
            )
        except HitError as exc:
            errors[f"file_{n}"] = f"File {n} ({upload.filename}): {exc.message}"
            continue
        values["kept_ids"].append(media.id)
        values["descriptions"][media.id] = values["alts"][n - 1]
        values["alts"][n - 1] = ""


async def composer_form(request: Request) -> Response:
    """`GET /contributions/new` (`?in_reply_to=<IRI>` to reply)."""
    account = await require_account(request)
    values: dict[str, Any] = {name: "" for name in TEXT_FIELDS}
    values.update(sensitive=False, alts=[""] * MAX_ATTACHMENTS, kept_ids=[], descriptions={}, removed=set())
    values["in_reply_to"] = request.query_params.get("in_reply_to", "")
    values["project"] = request.query_params.get("project", "")
    parent = await _visible_parent(await account.actor, values["in_reply_to"])
    if parent is not None:
        values["source"] = await reply_mentions(await account.actor, parent)
    values["license"] = (await default_license()).iri
    values["visibility"] = Visibility.PUBLIC
    values.update(empty_source_fields(request.query_params.get("remix", "")))
    return await render_composer(request, account, values, {})


async def publish(request: Request) -> Response:
    """`POST /contributions/new`: store the files, publish, then show the new work page."""
    account = await require_account(request)
    author = await account.actor
    limits = MediaLimits.from_settings(request.app.state.settings)
    try:
        form = await read_form(request, max_bytes=max_composer_bytes(limits), max_files=MAX_FORM_FILES)
    except PayloadTooLarge:
        values = parse_values(FormData())
        problem = {"files": f"The files are too large: {limits.describe()}."}
        return await render_composer(request, account, values, problem, status_code=413)
    try:
        values = parse_values(form)
        errors: dict[str, str] = {}
        await store_files(request, author, form, values, errors)
    finally:
        await form.close()
    step = chosen_step(values)
    if step:  # a picker step: show a list of works (or add one), publish nothing
        add_picked_source(values, values["add_source"])
        picker = await build_picker(step, values, author, request.app.state.fetcher)
        return await render_composer(request, account, values, errors, picker=picker)
    sources, upstream_share = parse_source_fields(values, errors)
    if errors:
        return await render_composer(request, account, values, errors, status_code=422)
    try:
        draft = draft_of(values, attached_ids(values), values["descriptions"])
        draft = replace(draft, sources=sources, upstream_share=upstream_share)
        if values["project"]:
            draft = await submission_draft(draft, values["project"])
        contribution = await publish_asking_consent(author, draft, request.app.state.fetcher)
    except HitError as exc:
        return await render_composer(request, account, values, {"composer": exc.message}, status_code=exc.status_code)
    return RedirectResponse(await _published_at(contribution), status_code=303)


async def _published_at(contribution: Contribution) -> str:
    """Where the author lands after publishing: a reply to a work here in its thread, at the
    reply; anything else on its own page."""
    parent = await find_contribution_by_uri(contribution.in_reply_to_uri) if contribution.in_reply_to_uri else None
    if parent is not None and parent.local and parent.deleted_at is None:
        return f"{parent.uri}?done=replied#c-{contribution.id}"
    return f"{contribution.uri}?done=published"


async def _visible_parent(viewer: Actor, iri: str) -> Contribution | None:
    """The contribution at `iri` when `viewer` may see it (and so reply to it)."""
    parent = await find_contribution_by_uri(iri) if iri else None
    if parent is None or parent.deleted_at is not None or not await can_view(viewer, parent):
        return None
    return parent


async def _reply_target(viewer: Actor, iri: str) -> dict[str, str] | None:
    parent = await _visible_parent(viewer, iri)
    if parent is None:
        return None
    return {"label": label_of(parent), "href": page_url(parent), "visibility": parent.visibility}


def _kept_file(media: MediaAttachment, values: dict[str, Any], urls: InstanceUrls) -> dict[str, Any]:
    """A stored file shown in the form: a thumbnail for images, its alt text, whether it is to go."""
    preview = media.thumbnail_filename or (media.filename if media.kind == "image" else None) or media.cover_filename
    return {
        "id": media.id,
        "kind": media.kind,
        "description": values["descriptions"].get(media.id, media.description),
        "preview_url": urls.media(preview) if preview else "",
        "removed": media.id in values["removed"],
    }


def _licence_name(iri: str) -> str:
    found = license_by_iri(iri) if iri else None
    return found.name if found else ""


async def render_composer(
    request: Request,
    account: Account,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    editing: Contribution | None = None,
    picker: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    author = await account.actor
    urls: InstanceUrls = request.app.state.urls
    kept = await find_own_media(author, values["kept_ids"]) if values["kept_ids"] else []
    context = {
        "values": values,
        "errors": errors,
        "editing": editing,
        "action": f"{editing.uri}/edit" if editing else request.url_for("composer"),
        "kept": [_kept_file(m, values, urls) for m in kept],
        "free_slots": max(0, MAX_ATTACHMENTS - len([m for m in kept if m.id not in values["removed"]])),
        "licence_name": _licence_name(values["license"]),
        "more_open": any(values["alts"][1:]) or any(key.startswith("file_") and key != "file_1" for key in errors),
        "reply_to": await _reply_target(author, values["in_reply_to"]),
        "submitting_to": None if editing else await submission_target(values.get("project", "")),
        "licenses": license_choices(),
        "kinds": KINDS,
        "visibilities": VISIBILITY_LABELS,
        "quote_policies": QUOTE_POLICY_LABELS,
        "limits": LIMITS,
        "media_help": MediaLimits.from_settings(request.app.state.settings).describe(),
        "sources": [] if editing else await describe_sources(author, values),
        "source_slots": 0 if editing else source_slots(values),
        "upstream_share": values.get("upstream_share", ""),
        "remixing": not editing and bool(values.get("sources")) and bool(values["sources"][0]["url"]),
        "picker": picker,
        "pick_handle": values.get("pick_handle", ""),
    }
    response = await render(request, "composer.html", context, status_code=status_code)
    response.headers["Content-Security-Policy"] = COMPOSER_POLICY
    return response
