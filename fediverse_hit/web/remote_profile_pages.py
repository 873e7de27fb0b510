"""Someone from another server, shown here: `/@user@host` (their profile with recent works, the
first page of their outbox fetched on view) and `/remote-contributions/{id}` (one of their works,
where a reply, like, boost or remix stays on this server). "Open on their server" links out.
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import REFRESH_AGE, resolve_handle
from fediverse_hit.federation.remote_works import load_recent_works
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.discovery import ResourceError, parse_webfinger_resource
from fediverse_hit.protocol.signature_primitives import utc_now
from fediverse_hit.store.models import Actor, Contribution
from fediverse_hit.web.contribution_cards import profile_url
from fediverse_hit.web.contribution_pages import render_work, viewer_actor, visible_contribution
from fediverse_hit.web.profile_views import person_view, relationship_of
from fediverse_hit.web.profile_works import profile_works
from fediverse_hit.web.rendering import render


async def find_remote_person(handle: str, request: Request) -> Actor:
    """The actor behind `user@host`: the stored copy while it is fresh, else through WebFinger.
    NotFound (saying why) when there is no such person or their server does not answer."""
    try:
        resource = parse_webfinger_resource(handle)
    except ResourceError as exc:
        raise NotFound("That is not a handle of the form @user@host.") from exc
    user, host = resource.user or "", resource.host or ""
    # WebFinger handles are case-insensitive; Mastodon keeps the case of `preferredUsername`.
    cached = await Actor.filter(username__iexact=user, domain=host, local=False, deleted_at=None).first()
    if cached is not None and cached.fetched_at is not None and utc_now() - cached.fetched_at < REFRESH_AGE:
        return cached
    try:
        return await resolve_handle(f"{user}@{host}", fetcher=request.app.state.fetcher)
    except FetchError as exc:
        if cached is not None and not exc.gone:
            return cached
        raise NotFound(f"Could not find @{user}@{host}: {exc.reason}") from exc


async def remote_profile(request: Request, handle: str) -> Response:
    """`/@user@host`: their profile as their server publishes it, with the works known here
    (the first page of their outbox is fetched first; cached for a while)."""
    urls: InstanceUrls = request.app.state.urls
    actor = await find_remote_person(handle, request)
    canonical = profile_url(actor, urls)
    if actor.local or unquote(canonical) != request.url.path:  # our own people, or another spelling of the handle
        return RedirectResponse(canonical, status_code=301 if actor.local else 303)
    totals = await load_recent_works(actor, request.app.state.handler_context)
    viewer = await viewer_actor(request)
    context = {
        "person": person_view(actor, urls),
        "rel": await relationship_of(viewer, actor),
        "counts": {"works": totals.works, "followers": totals.followers, "following": totals.following},
        "lists": {"followers": "", "following": ""},
        **await profile_works(request, actor, viewer),
    }
    return await render(request, "profile.html", context)


async def remote_work_page(request: Request) -> Response:
    """`/remote-contributions/{id}`: a work from another server, read and answered here."""
    found = await Contribution.get_or_none(id=request.path_params["row_id"], local=False).prefetch_related("author")
    if found is None:
        raise NotFound("No such contribution.")
    viewer = await viewer_actor(request)
    await visible_contribution(found, viewer)
    return await render_work(request, found, viewer)
