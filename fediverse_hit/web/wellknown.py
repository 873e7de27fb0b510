"""`/.well-known/*`, NodeInfo and `/healthz`: how other servers and monitors discover us."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fediverse_hit import __version__
from fediverse_hit.errors import BadRequest, Gone, NotFound
from fediverse_hit.federation.actor_documents import actor_jrd
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.discovery import (
    NodeUsage,
    ResourceError,
    build_host_meta,
    build_nodeinfo,
    build_nodeinfo_links,
    parse_webfinger_resource,
)
from fediverse_hit.protocol.media_types import JRD_JSON, XRD_XML
from fediverse_hit.services.instance import RegistrationMode, get_registration_mode
from fediverse_hit.store.accounts import count_active_since
from fediverse_hit.store.actors import count_local_people, find_actor_by_uri, find_local_actor
from fediverse_hit.store.models import Actor
from fediverse_hit.web.negotiation import json_response



async def webfinger(request: Request) -> Response:
    """RFC 7033 lookup of a local actor by `acct:` URI or by actor/profile URL."""
    urls: InstanceUrls = request.app.state.urls
    try:
        resource = parse_webfinger_resource(request.query_params.get("resource", ""))
    except ResourceError as exc:
        raise BadRequest(f"Malformed WebFinger resource: {exc}.") from exc
    actor = await _resolve_resource(urls, resource.user, resource.host, resource.url)
    if actor is None:
        raise NotFound("No such account on this instance.")
    if actor.deleted_at is not None:
        raise Gone("This account was deleted.")
    return json_response(actor_jrd(actor, urls), JRD_JSON)


async def _resolve_resource(
    urls: InstanceUrls, user: str | None, host: str | None, url: str | None
) -> Actor | None:
    if url is not None:
        username = urls.parse_user(url) or urls.parse_project(url)
        if username is not None:
            return await find_local_actor(username)
        return await find_actor_by_uri(url) if urls.is_local(url) else None
    if host != urls.domain.lower() or user is None:
        return None
    return await find_local_actor(user)


async def host_meta(request: Request) -> Response:
    urls: InstanceUrls = request.app.state.urls
    return Response(build_host_meta(urls.webfinger_template()), media_type=XRD_XML)


async def nodeinfo_links(request: Request) -> Response:
    urls: InstanceUrls = request.app.state.urls
    return json_response(build_nodeinfo_links(urls.nodeinfo(), urls.nodeinfo_20()), "application/json")


async def nodeinfo(request: Request) -> Response:
    """NodeInfo 2.1 or 2.0 (`/nodeinfo/{version}`)."""
    version = request.path_params["version"]
    if version not in ("2.0", "2.1"):
        raise NotFound("Unknown NodeInfo version.")
    now = datetime.now(UTC)
    usage = NodeUsage(
        users_total=await count_local_people(),
        active_month=await count_active_since(now - timedelta(days=30)),
        active_halfyear=await count_active_since(now - timedelta(days=180)),
        local_posts=0,
        open_registrations=await get_registration_mode() is RegistrationMode.OPEN,
    )
    document = build_nodeinfo(version, __version__, usage, request.app.state.settings.domain)
    profile = f"http://nodeinfo.diaspora.software/ns/schema/{version}#"
    return json_response(document, f'application/json; profile="{profile}"', max_age=1800)


async def healthz(request: Request) -> Response:
    """Liveness and database reachability, for load balancers and monitors."""
    await count_local_people()
    return JSONResponse({"status": "ok", "version": __version__})
