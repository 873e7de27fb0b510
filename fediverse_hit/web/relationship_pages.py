"""Pages for relationships: remote search with Follow, follow requests, blocks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import BadRequest, HitError, NotFound
from fediverse_hit.federation import relationships
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import get_remote_actor, resolve_handle
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.blocks import unblock_actor
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.follows import find_follow, list_pending_requests
from fediverse_hit.store.models import Actor, Block
from fediverse_hit.store.mutes import is_muted
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import current_account, read_form, require_account

MAX_QUERY = 500


async def find_actor(query: str, request: Request) -> Actor:
    """Resolve `@user@host`, `user@host` or an actor URL (local or remote) to an actor."""
    value = query.strip()
    urls: InstanceUrls = request.app.state.urls
    if not value or len(value) > MAX_QUERY:
        raise BadRequest("Enter @user@host or a profile URL.")
    try:
        if value.startswith(("https://", "http://")):
            local = await find_actor_by_uri(value) if urls.is_local(value) else None
            return local or await get_remote_actor(value, fetcher=request.app.state.fetcher)
        if "@" not in value.lstrip("@"):
            raise BadRequest("Enter @user@host or a profile URL.")
        return await resolve_handle(value, fetcher=request.app.state.fetcher)
    except FetchError as exc:
        raise NotFound(f"Could not find that account: {exc}") from exc


async def search(request: Request) -> Response:
    """`/search?q=…`: look up an account anywhere and show Follow / Unfollow / Block."""
    query = request.query_params.get("q", "")
    context: dict[str, object] = {"query": query}
    if query:
        try:
            found = await find_actor(query, request)
        except HitError as exc:
            context["error"] = exc.message
            return await render(request, "search.html", context, status_code=exc.status_code)
        context.update(await _relationship_context(request, found))
    return await render(request, "search.html", context)


async def _relationship_context(request: Request, found: Actor) -> dict[str, object]:
    viewer = await current_account(request)
    state, blocked, muted = "none", False, False
    if viewer is not None:
        me = await viewer.actor
        follow = await find_follow(me, found)
        state = follow.state if follow else "none"
        blocked = await Block.exists(blocker=me, blocked=found)
        muted = await is_muted(me, found)
    return {"found": found, "follow_state": state, "blocked": blocked, "muted": muted}


async def _form_target(request: Request) -> tuple[Actor, Actor, str]:
    account = await require_account(request)
    form = await read_form(request)
    target_uri = str(form.get("actor_uri", ""))
    target = await find_actor_by_uri(target_uri)
    if target is None:
        target = await find_actor(target_uri, request)
    return await account.actor, target, str(form.get("back", ""))


def _back(request: Request, back: str, target: Actor) -> RedirectResponse:
    if back.startswith("/") and not back.startswith("//"):
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"{request.url_for('search')}?q={target.uri}", status_code=303)


async def follow(request: Request) -> Response:
    me, target, back = await _form_target(request)
    await relationships.follow_account(me, target, request.app.state.urls)
    return _back(request, back, target)


async def unfollow(request: Request) -> Response:
    me, target, back = await _form_target(request)
    await relationships.unfollow_account(me, target, request.app.state.urls)
    return _back(request, back, target)


async def block(request: Request) -> Response:
    me, target, back = await _form_target(request)
    await relationships.block_account(me, target, request.app.state.urls)
    return _back(request, back, target)


async def unblock(request: Request) -> Response:
    me, target, back = await _form_target(request)
    await unblock_actor(me, target)
    return _back(request, back, target)


async def follow_requests(request: Request) -> Response:
    """People waiting for the viewer's approval (accounts that approve followers by hand)."""
    account = await require_account(request)
    pending = await list_pending_requests(await account.actor)
    return await render(request, "follow_requests.html", {"pending": pending})


async def approve_request(request: Request) -> Response:
    me, follower, _ = await _form_target(request)
    await relationships.approve_follower(me, follower, request.app.state.urls)
    return RedirectResponse(request.url_for("follow_requests"), status_code=303)


async def reject_request(request: Request) -> Response:
    me, follower, _ = await _form_target(request)
    await relationships.reject_follower(me, follower, request.app.state.urls)
    return RedirectResponse(request.url_for("follow_requests"), status_code=303)


