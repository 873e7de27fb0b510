"""Settings pages of the logged-in person: the profile (with avatar) and personal access tokens."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import PayloadTooLarge, ValidationFailed
from fediverse_hit.federation.actor_broadcasts import send_actor_update
from fediverse_hit.services.images import max_megabytes
from fediverse_hit.services.profiles import (
    MAX_ALT_TEXT,
    MAX_BIO,
    MAX_DISPLAY_NAME,
    MAX_FIELD_PART,
    MAX_FIELDS,
    MAX_PAYMENT_LINKS,
    MediaStorage,
    ProfileInput,
    ProfileRejected,
    current_profile,
    save_profile,
)
from fediverse_hit.services.tokens import create_token, revoke_token
from fediverse_hit.settings import Settings
from fediverse_hit.store.accounts import list_tokens
from fediverse_hit.store.models import Account
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import MAX_FORM_BYTES, read_form, require_account

LIMITS = {
    "display_name": MAX_DISPLAY_NAME,
    "bio": MAX_BIO,
    "avatar_alt": MAX_ALT_TEXT,
    "field_part": MAX_FIELD_PART,
}


async def profile_form(request: Request) -> Response:
    """`GET /settings`: the profile form filled with what is stored."""
    account = await require_account(request)
    notice = "Your profile was saved." if request.query_params.get("saved") else ""
    profile = current_profile(account, await account.actor)
    return await _render_profile(request, account, profile, {}, notice=notice)


async def save_profile_form(request: Request) -> Response:
    """`POST /settings`: save the profile, or show the form again with every problem."""
    account = await require_account(request)
    settings: Settings = request.app.state.settings
    try:
        # two images (avatar and header), each checked against the cap when read
        form = await read_form(request, max_bytes=2 * settings.max_avatar_bytes + MAX_FORM_BYTES, max_files=2)
    except PayloadTooLarge:
        message = f"The images are too large: an avatar and a header of up to {max_megabytes(settings.max_avatar_bytes)} each are accepted."
        profile = current_profile(account, await account.actor)
        return await _render_profile(request, account, profile, {"avatar": message}, status_code=413)
    try:
        submitted = parse_profile(form)
        avatar = await _read_upload(form.get("avatar"), settings.max_avatar_bytes)
        header = await _read_upload(form.get("header"), settings.max_avatar_bytes)
    finally:
        await form.close()
    storage = MediaStorage(settings.media_dir, request.app.state.urls, settings.max_avatar_bytes)
    try:
        await save_profile(account, submitted, avatar, storage, header)
    except ProfileRejected as exc:
        return await _render_profile(request, account, submitted, exc.errors, status_code=exc.status_code)
    await send_actor_update(await account.actor, request.app.state.urls)  # Update(Person) to followers
    return RedirectResponse(f"{request.url_for('settings')}?saved=1", status_code=303)


def parse_profile(form: FormData) -> ProfileInput:
    """The profile form's fields as submitted (checkboxes are present only when ticked)."""
    return ProfileInput(
        display_name=_text(form, "display_name"),
        bio=_text(form, "bio"),
        avatar_alt=_text(form, "avatar_alt"),
        fields=_rows(form, "field_name", "field_value", MAX_FIELDS),
        payment_links=_rows(form, "payment_name", "payment_url", MAX_PAYMENT_LINKS),
        manually_approves_followers="manually_approves_followers" in form,
        hide_collections="hide_collections" in form,
        remove_avatar="remove_avatar" in form,
        header_alt=_text(form, "header_alt"),
        remove_header="remove_header" in form,
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _rows(form: FormData, first: str, second: str, count: int) -> tuple[tuple[str, str], ...]:
    return tuple((_text(form, f"{first}_{i}"), _text(form, f"{second}_{i}")) for i in range(count))


async def _read_upload(value: object, max_bytes: int) -> bytes | None:
    """The uploaded file's bytes (at most one byte over the cap), or None when no file was chosen."""
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return await value.read(max_bytes + 1)


async def _render_profile(
    request: Request,
    account: Account,
    profile: ProfileInput,
    errors: dict[str, str],
    *,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    actor = await account.actor
    context: dict[str, Any] = {
        "profile": profile,
        "fields": _padded(profile.fields, MAX_FIELDS),
        "payment_links": _padded(profile.payment_links, MAX_PAYMENT_LINKS),
        "avatar": {"url": actor.icon_url, "alt": actor.icon_alt},
        "header": {"url": actor.image_url, "alt": actor.image_alt},
        "errors": errors,
        "notice": notice,
        "limits": LIMITS,
        "max_avatar": max_megabytes(request.app.state.settings.max_avatar_bytes),
        "section": "profile",
    }
    return await render(request, "settings_profile.html", context, status_code=status_code)


def _padded(rows: tuple[tuple[str, str], ...], count: int) -> list[tuple[str, str]]:
    """The rows plus empty ones, so the form always offers `count` of them."""
    return list(rows[:count]) + [("", "")] * max(0, count - len(rows))


async def tokens_page(request: Request) -> Response:
    """`GET /settings/tokens`: the person's active tokens and a form to create one."""
    account = await require_account(request)
    notice = "The token was revoked." if request.query_params.get("revoked") else ""
    return await _render_tokens(request, account, notice=notice)


async def create_token_form(request: Request) -> Response:
    """`POST /settings/tokens`: create a token and show its secret, this once."""
    account = await require_account(request)
    form = await read_form(request)
    name = _text(form, "name")
    try:
        secret = await create_token(account, name)
    except ValidationFailed as exc:
        return await _render_tokens(request, account, error=exc.message, name=name, status_code=exc.status_code)
    response = await _render_tokens(request, account, new_token=secret, new_token_name=name.strip())
    response.headers["Cache-Control"] = "no-store"  # the secret must not linger in any cache
    return response


async def revoke_token_form(request: Request) -> Response:
    """`POST /settings/tokens/{id}/revoke`: revoke one of the person's own tokens."""
    account = await require_account(request)
    await read_form(request)
    await revoke_token(account, request.path_params["token_id"])
    return RedirectResponse(f"{request.url_for('tokens')}?revoked=1", status_code=303)


async def _render_tokens(request: Request, account: Account, *, status_code: int = 200, **extra: str) -> Response:
    context: dict[str, Any] = {"tokens": await list_tokens(account), "section": "tokens", **extra}
    return await render(request, "settings_tokens.html", context, status_code=status_code)
