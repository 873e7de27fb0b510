"""The work page of a contribution (with its replies), the embeddable player, and the forms that
act on a contribution: like, boost, pin, delete. Every action is a POST form with a CSRF token,
so all of it works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import Forbidden, Gone, NotFound
from fediverse_hit.federation import interactions, publishing
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.contribution_rules import can_view
from fediverse_hit.store.contributions import find_local_contribution
from fediverse_hit.store.models import Account, Actor, Contribution
from fediverse_hit.store.timelines import replies_to
from fediverse_hit.web.contribution_cards import VISIBILITY_LABELS, build_cards
from fediverse_hit.web.contribution_meta import page_meta
from fediverse_hit.web.quote_pages import consent_line
from fediverse_hit.web.remix_family_views import build_remix_view
from fediverse_hit.web.reply_mentions import reply_mentions
from fediverse_hit.web.rendering import render
from fediverse_hit.web.security_headers import PAGE_POLICY
from fediverse_hit.web.sessions import current_account, read_form, require_account

# The player page is meant to be framed by other sites (twitter:player); every other page is not.
EMBED_POLICY = PAGE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
Action = Callable[[Actor, Contribution, InstanceUrls], Awaitable[None]]


async def viewer_actor(request: Request) -> Actor | None:
    """The logged-in person's actor, or None for an anonymous visitor."""
    account = await current_account(request)
    return await account.actor if account is not None else None


async def local_contribution(request: Request) -> Contribution:
    """The local contribution named by the `local_id` path parameter (deleted ones too)."""
    found = await find_local_contribution(str(request.path_params["local_id"]))
    if found is None:
        raise NotFound("No such contribution on this instance.")
    return found


async def _target(request: Request) -> Contribution:
    """The contribution a like/boost form is about: local by id, or remote by row id."""
    if "local_id" in request.path_params:
        return await local_contribution(request)
    found = await Contribution.get_or_none(id=request.path_params["row_id"], local=False).prefetch_related("author")
    if found is None:
        raise NotFound("No such contribution.")
    return found


async def visible_contribution(contribution: Contribution, viewer: Actor | None) -> Contribution:
    """`contribution` if `viewer` may see it: Gone when deleted, NotFound when not allowed
    (a followers-only contribution does not reveal that it exists)."""
    if contribution.deleted_at is not None:
        raise Gone("This contribution was deleted.")
    if not await can_view(viewer, contribution):
        raise NotFound("No such contribution on this instance.")
    return contribution


async def render_contribution(request: Request, contribution: Contribution) -> Response:
    """The work page a browser gets at the contribution's IRI."""
    viewer = await viewer_actor(request)
    await visible_contribution(contribution, viewer)
    return await render_work(request, contribution, viewer)


async def render_work(
    request: Request,
    contribution: Contribution,
    viewer: Actor | None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The work page of a contribution the viewer may see: ours, or one from another server
    (without our previews, player and remix sections, which describe works published here)."""
    urls: InstanceUrls = request.app.state.urls
    replies = await replies_to(contribution, viewer)
    cards = await build_cards([contribution, *replies], viewer, urls)
    card = cards[0]
    local = contribution.local
    embed_url = urls.absolute(f"/contributions/{contribution.local_id}/embed")
    context = {
        "c": card,
        "replies": cards[1:],
        "meta": page_meta(card, embed_url, request.app.state.settings.domain) if local else [],
        "back": request.url.path,
        "notice": _notice(request),
        "visibilities": VISIBILITY_LABELS,
        "quote_consent": await consent_line(contribution),
        "remix": await build_remix_view(contribution, viewer, urls) if local else None,
        "reply_prefill": await reply_mentions(viewer, contribution) if viewer is not None else "",
        **(extra or {}),
    }
    return await render(request, "contribution.html", context, status_code=status_code)


def _notice(request: Request) -> str:
    notices = {
        "published": "Your contribution was published.",
        "edited": "Your changes were saved.",
        "replied": "Your reply was published.",
        "pinned": "Pinned to your profile.",
        "unpinned": "Unpinned from your profile.",
    }
    return notices.get(request.query_params.get("done", ""), "")


async def embed_page(request: Request) -> Response:
    """`/contributions/{id}/embed`: the bare player other sites frame (public and unlisted only)."""
    contribution = await visible_contribution(await local_contribution(request), None)
    cards = await build_cards([contribution], None, request.app.state.urls)
    response = await render(request, "embed.html", {"c": cards[0]})
    response.headers["Content-Security-Policy"] = EMBED_POLICY
    return response


def _back(back: str, contribution: Contribution) -> RedirectResponse:
    """Back to the page the form was on (same-site paths only), else to the contribution."""
    if back.startswith("/") and not back.startswith(("//", "/\\")):
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(contribution.uri if contribution.local else "/home", status_code=303)


async def _act(request: Request, action: Action) -> Response:
    account = await require_account(request)
    form = await read_form(request)
    contribution = await _target(request)
    await action(await account.actor, contribution, request.app.state.urls)
    back = form.get("back", "")
    return _back(back if isinstance(back, str) else "", contribution)


async def like(request: Request) -> Response:
    return await _act(request, interactions.like)


async def unlike(request: Request) -> Response:
    return await _act(request, interactions.unlike)


async def boost(request: Request) -> Response:
    return await _act(request, interactions.boost)


async def unboost(request: Request) -> Response:
    return await _act(request, interactions.unboost)


async def _pin(request: Request, pinned: bool) -> Response:
    account = await require_account(request)
    await read_form(request)
    contribution = await local_contribution(request)
    await publishing.set_pinned(await account.actor, contribution, pinned, request.app.state.urls)
    done = "pinned" if pinned else "unpinned"
    return RedirectResponse(f"{contribution.uri}?done={done}#c-{contribution.id}", status_code=303)


async def pin(request: Request) -> Response:
    return await _pin(request, True)


async def unpin(request: Request) -> Response:
    return await _pin(request, False)


async def own_contribution(request: Request, account: Account) -> tuple[Actor, Contribution]:
    """The contribution in the URL with its author, who must be the logged-in `account`
    (Forbidden otherwise; Gone once deleted)."""
    contribution = await local_contribution(request)
    author = await account.actor
    if contribution.author_id != author.id:  # type: ignore[attr-defined]
        raise Forbidden("Only its author can change this contribution.")
    if contribution.deleted_at is not None:
        raise Gone("This contribution was deleted.")
    return author, contribution


async def delete(request: Request) -> Response:
    """`POST /contributions/{id}/delete`: only with the confirmation box ticked."""
    account = await require_account(request)
    form = await read_form(request)
    author, contribution = await own_contribution(request, account)
    if form.get("confirm") != "yes":
        problem = {"confirm": "Tick “Yes, delete it” to delete this contribution."}
        return await render_work(request, contribution, author, {"errors": problem}, status_code=422)
    await publishing.delete_contribution(author, contribution, request.app.state.urls)
    profile = request.url_for("profile", username=author.username)
    return RedirectResponse(f"{profile}?deleted=1", status_code=303)
