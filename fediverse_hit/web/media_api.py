"""`POST /api/media`: upload one file (multipart `file`, `description`, optional `thumbnail`, and
for video optional `captions`, a WebVTT file) for a later contribution.

Authenticated by `Authorization: Bearer <token>` or by a logged-in session plus the form's CSRF
token. Answers 201 with the attachment object (services/media.py does the checking and storing).
The body is counted as it arrives, so a chunked or lying upload stops at the cap.
"""

from __future__ import annotations

import hmac

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive

from fediverse_hit.errors import Forbidden, PayloadTooLarge, Unauthorized, ValidationFailed
from fediverse_hit.federation.attachment_documents import attachment_to_api
from fediverse_hit.services.media import MediaLimits, store_upload
from fediverse_hit.store.models import Actor
from fediverse_hit.web.outbox import bearer_actor
from fediverse_hit.web.sessions import CSRF_FIELD, require_account

# Text fields (description up to 1,500 characters, CSRF token) are small; files spool to disk.
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 10
MAX_FILES = 3  # the file, its optional cover image and (video) its optional WebVTT captions


def capped_request(request: Request, max_bytes: int, message: str) -> Request:
    """The same request, whose body raises PayloadTooLarge(`message`) once more than `max_bytes` arrived.

    Content-Length is checked first; the count also stops bodies that send none (chunked) or lie.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(message)
    received = 0
    receive: Receive = request.receive

    async def counting_receive() -> Message:
        nonlocal received
        event = await receive()
        if event["type"] == "http.request":
            received += len(event.get("body", b""))
            if received > max_bytes:
                raise PayloadTooLarge(message)
        return event

    return Request(request.scope, counting_receive)


async def read_upload_form(request: Request, limits: MediaLimits, *, with_csrf: bool) -> FormData:
    """Parse a multipart upload under the byte cap and Starlette's multipart limits (files spool to disk).

    With `with_csrf` (session uploads) the form must carry the session's CSRF token; the parsed
    files are closed before Forbidden is raised.
    """
    message = f"The upload is too large: {limits.describe()} are accepted."
    capped = capped_request(request, limits.max_request_bytes, message)
    form = await capped.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    if with_csrf and not _csrf_matches(request, form):
        await form.close()
        raise Forbidden("This form has expired or did not come from this site. Reload the page and try again.")
    return form


def _csrf_matches(request: Request, form: FormData) -> bool:
    expected, submitted = request.session.get("csrf"), form.get(CSRF_FIELD)
    return isinstance(expected, str) and isinstance(submitted, str) and hmac.compare_digest(expected, submitted)


async def upload_media(request: Request) -> Response:
    """Store the uploaded file and answer 201 with its attachment object (its `id` names it in a contribution's `attachment`)."""
    uses_token = "authorization" in request.headers
    actor = await bearer_actor(request) if uses_token else await _session_actor(request)
    limits = MediaLimits.from_settings(request.app.state.settings)
    form = await read_upload_form(request, limits, with_csrf=not uses_token)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed("Choose a file to upload (the multipart field `file`).")
        description = form.get("description", "")
        thumbnail, captions = form.get("thumbnail"), form.get("captions")
        media = await store_upload(
            actor,
            upload,
            None,
            description if isinstance(description, str) else "",
            request.app.state.settings.media_dir,
            limits,
            cover=thumbnail if isinstance(thumbnail, UploadFile) and thumbnail.filename else None,
            captions=captions if isinstance(captions, UploadFile) and captions.filename else None,
        )
    finally:
        await form.close()
    return JSONResponse(attachment_to_api(media, request.app.state.urls), status_code=201)


async def _session_actor(request: Request) -> Actor:
    try:
        account = await require_account(request)
    except Unauthorized as exc:
        raise Unauthorized("Log in, or send `Authorization: Bearer <token>`.") from exc
    return await account.actor

