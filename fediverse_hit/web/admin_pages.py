"""Admin pages: who may sign up (registration mode) and invite codes."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import Forbidden, ValidationFailed
from fediverse_hit.services.instance import (
    RegistrationMode,
    get_registration_mode,
    set_registration_mode,
)
from fediverse_hit.services.invites import (
    MAX_INVITE_USES,
    MAX_VALID_DAYS,
    create_invite,
    list_invites,
)
from fediverse_hit.store.models import Account
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form, require_account

MODE_LABELS = {
    RegistrationMode.OPEN.value: "Open: anyone may sign up",
    RegistrationMode.INVITE.value: "Invite only: sign-up needs an invite code",
    RegistrationMode.CLOSED.value: "Closed: nobody may sign up",
}
NOTICES = {"mode": "Registration mode saved.", "invite": "Invite created."}


async def require_admin(request: Request) -> Account:
    """The logged-in admin; Unauthorized when logged out, Forbidden for everyone else."""
    account = await require_account(request)
    if not account.is_admin:
        raise Forbidden("Only administrators of this instance can see this page.")
    return account


async def registrations_page(request: Request) -> Response:
    """`GET /admin/registrations`: the current mode, the invite form and the invites."""
    await require_admin(request)
    notice = NOTICES.get(request.query_params.get("saved", ""), "")
    return await _render(request, notice=notice)


async def update_registrations(request: Request) -> Response:
    """`POST /admin/registrations`: change the mode (`action=mode`) or create an invite (`action=invite`)."""
    admin = await require_admin(request)
    form = await read_form(request)
    action = form.get("action")
    try:
        if action == "mode":
            await set_registration_mode(str(form.get("mode", "")))
        elif action == "invite":
            await create_invite(admin, _number(form, "max_uses"), _number(form, "valid_days"))
        else:
            raise ValidationFailed("Choose what to change.")
    except ValidationFailed as exc:
        return await _render(request, error=exc.message, status_code=exc.status_code)
    return RedirectResponse(f"{request.url_for('admin_registrations')}?saved={action}", status_code=303)


def _number(form: FormData, name: str) -> int | None:
    """A whole number from the form; None when empty, -1 when not a number (the service refuses it)."""
    value = str(form.get(name, "")).strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 10 else -1


async def _render(request: Request, *, error: str = "", notice: str = "", status_code: int = 200) -> Response:
    context: dict[str, Any] = {
        "mode": (await get_registration_mode()).value,
        "mode_labels": MODE_LABELS,
        "invites": await list_invites(),
        "max_uses": MAX_INVITE_USES,
        "max_days": MAX_VALID_DAYS,
        "error": error,
        "notice": notice,
        "admin_section": "registrations",
    }
    return await render(request, "admin_registrations.html", context, status_code=status_code)
