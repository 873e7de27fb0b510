"""Pages for relationships: search (people, works and hashtags, here and elsewhere) with Follow,
follow requests, blocks, and the landing page of remote-interaction links."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import BadRequest, HitError, NotFound
from fediverse_hit.federation import relationships
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import get_remote_actor, resolve_handle
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.blocks import unblock_actor
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.federation.remote_works import load_recent_works, resolve_remote_url
from fediverse_hit.store.directory import search_hashtags, search_people
from fediverse_hit.store.follows import list_pending_requests
from fediverse_hit.store.models import Actor, Contribution
from fediverse_hit.web.contribution_cards import page_url, profile_url
from fediverse_hit.web.profile_views import people_view, person_view, relationship_of
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import current_account, read_form, require_account

MAX_QUERY = 500
DIRECTORY_RESULTS = 20


async def find_actor(query: str, request: Request) -> Actor:
    """Resolve `@user@host`, `user@host` or an actor URL (local or remote) to an actor."""
    found = await _resolve(query, request)
    if not isinstance(found, Actor):
        raise BadRequest("That address is a work, not a person.")
    return found


async def _resolve(query: str, request: Request) -> Actor | Contribution:
    """The person or work a pasted URL or handle names (fetched and stored when new here)."""
    value = query.strip()
    urls: InstanceUrls = request.app.state.urls
    if not value or len(value) > MAX_QUERY:
        raise BadRequest("Enter @user@host or a profile URL.")
    try:
        if value.startswith(("https://", "http://")):
            if urls.is_local(value):
                return await _local_by_uri(value)
            if await find_actor_by_uri(value) is not None:  # a person known here: the cached copy
                return await get_remote_actor(value, fetcher=request.app.state.fetcher)
            return await resolve_remote_url(value, request.app.state.handler_context)
        if "@" not in value.lstrip("@"):
            raise BadRequest("Enter @user@host or a profile URL.")
        return await resolve_handle(value, fetcher=request.app.state.fetcher)
    except FetchError as exc:
        raise NotFound(f"Could not find that account or work: {exc.reason}") from exc


async def _local_by_uri(uri: str) -> Actor | Contribution:
    found = await find_actor_by_uri(uri) or await Contribution.get_or_none(uri=uri, local=True, deleted_at=None)
    if found is None:
        raise NotFound("Nothing on this server has that address.")
    return found


def _is_lookup(query: str) -> bool:
    """A URL or a user@host handle (resolved), rather than words to search for."""
    value = query.strip()
    return value.startswith(("https://", "http://")) or "@" in value.lstrip("@")


async def search(request: Request) -> Response:
    """`/search?q=…`: a pasted work URL opens its page here; a handle or profile URL shows the
    person with Follow / Unfollow / Block; other words search people and hashtags known here."""
    query = request.query_params.get("q", "")
    context: dict[str, object] = {"query": query}
    if query.strip() and not _is_lookup(query):
        context.update(await _directory(query.strip()[:MAX_QUERY], request))
    elif query:
        try:
            found = await _resolve(query, request)
        except HitError as exc:
            context["error"] = exc.message
            return await render(request, "search.html", context, status_code=exc.status_code)
        if isinstance(found, Contribution):
            return RedirectResponse(page_url(found), status_code=303)
        viewer = await current_account(request)
        context["found"] = person_view(found, request.app.state.urls)
        context["rel"] = await relationship_of(await viewer.actor if viewer else None, found)
    return await render(request, "search.html", context)


async def _directory(text: str, request: Request) -> dict[str, object]:
    words = text.lstrip("#")
    people = await search_people(words, DIRECTORY_RESULTS) if words else []
    tags = await search_hashtags(words.lower(), DIRECTORY_RESULTS) if words else []
    return {
        "searched": True,
        "people": people_view(people, request.app.state.urls),
        "tags": [{"name": name, "uses": uses, "url": str(request.url_for("tag", name=name))} for name, uses in tags],
    }


async def authorize_interaction(request: Request) -> Response:
    """`/authorize-interaction?uri=…`: where other servers send our people to follow or answer
    something (our WebFinger remote-interaction templates): its page here, after logging in."""
    uri = request.query_params.get("uri", "")
    if await current_account(request) is None:
        login = request.url_for("login")
        return RedirectResponse(f"{login}?{urlencode({'next': request.url.path + '?' + urlencode({'uri': uri})})}", status_code=303)
    found = await _resolve(uri, request)
    target = page_url(found) if isinstance(found, Contribution) else profile_url(found, request.app.state.urls)
    return RedirectResponse(target, status_code=303)


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
    """Follow someone here or elsewhere; for someone elsewhere, their recent works are fetched
    now, so the follower sees what they published before (not only what comes next)."""
    me, target, back = await _form_target(request)
    await relationships.follow_account(me, target, request.app.state.urls)
    if not target.local:
        await load_recent_works(target, request.app.state.handler_context, refresh=True)
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


