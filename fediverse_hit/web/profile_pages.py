"""Profile pages: a local person's profile (`/@name`, also the actor URL for browsers), their
follower and following lists, and "Follow from your server" for visitors from elsewhere.
Remote people's profiles (`/@user@host`) are in `remote_profile_pages`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import BadRequest
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import fetch_webfinger
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.discovery import ResourceError, interaction_target, parse_webfinger_resource
from fediverse_hit.store.contributions import count_public_by
from fediverse_hit.store.follows import count_followers, count_following, list_followed_actors, list_follower_actors
from fediverse_hit.store.models import Account, Actor
from fediverse_hit.web.contribution_pages import viewer_actor
from fediverse_hit.web.pages import local_person
from fediverse_hit.web.profile_views import people_view, person_view, relationship_of
from fediverse_hit.web.profile_works import profile_works
from fediverse_hit.web.remote_profile_pages import remote_profile
from fediverse_hit.web.rendering import render
from fediverse_hit.web.same_origin import require_same_origin
from fediverse_hit.web.sessions import read_untokened_form

PEOPLE_PAGE_SIZE = 40
MAX_PEOPLE_PAGE = 10_000
MAX_HANDLE = 500


async def profile_page(request: Request) -> Response:
    """`/@{name}`: a local creator's profile, or `/@user@host`: someone elsewhere, shown here."""
    username = str(request.path_params["username"])
    if "@" in username:
        return await remote_profile(request, username)
    return await render_profile(request, await local_person(username))


async def render_profile(
    request: Request, actor: Actor, extra: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """The profile page of a local person (also served at the actor URL to browsers)."""
    urls: InstanceUrls = request.app.state.urls
    viewer = await viewer_actor(request)
    context = {
        "person": person_view(actor, urls),
        "rel": await relationship_of(viewer, actor),
        "counts": {
            "works": await count_public_by(actor),
            "followers": await count_followers(actor),
            "following": await count_following(actor),
        },
        "lists": {
            "followers": str(request.url_for("profile_followers", username=actor.username)),
            "following": str(request.url_for("profile_following", username=actor.username)),
        },
        "deleted_notice": bool(request.query_params.get("deleted")),
        "remote_follow_action": str(request.url_for("remote_follow", username=actor.username)),
        **await profile_works(request, actor, viewer),
        **(extra or {}),
    }
    return await render(request, "profile.html", context, status_code=status_code)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PEOPLE_PAGE:
        raise BadRequest("`page` must be a page number from a “Newer” or “Older” link.")
    return int(raw)


async def _people_page(request: Request, following: bool) -> Response:
    actor = await local_person(str(request.path_params["username"]))
    viewer = await viewer_actor(request)
    account = await Account.get_or_none(actor_id=actor.id)
    hidden = account is not None and account.hide_collections and (viewer is None or viewer.id != actor.id)
    page = _page_number(request)
    load = list_followed_actors if following else list_follower_actors
    rows = [] if hidden else await load(actor, (page - 1) * PEOPLE_PAGE_SIZE, PEOPLE_PAGE_SIZE + 1)
    person = person_view(actor, request.app.state.urls)
    context = {
        "person": person,
        "heading": f"{person['name']} follows" if following else f"Followers of {person['name']}",
        "empty": "Not following anyone yet." if following else "No followers yet.",
        "hidden": hidden,
        "people": people_view(rows[:PEOPLE_PAGE_SIZE], request.app.state.urls),
        "newer_url": f"{request.url.path}?page={page - 1}" if page > 1 else "",
        "older_url": f"{request.url.path}?page={page + 1}" if len(rows) > PEOPLE_PAGE_SIZE else "",
    }
    return await render(request, "people.html", context)


async def followers_page(request: Request) -> Response:
    """`/@{name}/followers`: who follows them (only the owner sees a hidden list)."""
    return await _people_page(request, following=False)


async def following_page(request: Request) -> Response:
    """`/@{name}/following`: whom they follow (only the owner sees a hidden list)."""
    return await _people_page(request, following=True)


async def remote_follow(request: Request) -> Response:
    """`POST /@{name}/remote-follow`: a visitor gives their handle; we ask their server
    (WebFinger) where its people follow someone, and send them there."""
    require_same_origin(request)  # no token: the profile page stays the same for every visitor
    actor = await local_person(str(request.path_params["username"]))
    form = await read_untokened_form(request)
    handle = str(form.get("handle", "")).strip()
    urls: InstanceUrls = request.app.state.urls
    try:
        resource = parse_webfinger_resource(handle) if len(handle) <= MAX_HANDLE else None
    except ResourceError:
        resource = None
    if resource is None or resource.user is None or resource.host is None:
        return await _remote_follow_error(request, actor, handle, "Enter your handle as @you@your.server.")
    if resource.host == urls.domain.lower():
        login = request.url_for("login")  # one of ours: log in here and follow
        return RedirectResponse(f"{login}?{urlencode({'next': request.url.path.removesuffix('/remote-follow')})}", status_code=303)
    try:
        jrd = await fetch_webfinger(resource.user, resource.host, fetcher=request.app.state.fetcher)
    except FetchError as exc:
        return await _remote_follow_error(request, actor, handle, f"Could not reach your server: {exc.reason}")
    target = interaction_target(jrd, actor.uri)
    if target is None:
        handle_here = "@" + urls.handle(actor.username)
        problem = f"Your server does not say where to follow people from elsewhere. Search for {handle_here} there."
        return await _remote_follow_error(request, actor, handle, problem)
    return RedirectResponse(target, status_code=303)


async def _remote_follow_error(request: Request, actor: Actor, handle: str, problem: str) -> Response:
    extra = {"remote_follow_error": problem, "remote_follow_handle": handle}
    return await render_profile(request, actor, extra, status_code=422)
