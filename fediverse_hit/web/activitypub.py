"""ActivityPub documents of local actors, on the same URLs that browsers get HTML from."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.actor_documents import actor_to_ap
from fediverse_hit.federation.collections import (
    PAGE_SIZE,
    build_collection,
    build_collection_page,
    empty_collection,
    parse_page_number,
)
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.actors import find_actor_by_uri, list_active_keys
from fediverse_hit.store.follows import (
    count_followers,
    count_following,
    list_follower_uris,
    list_following_uris,
)
from fediverse_hit.web import contribution_documents, pages, profile_pages
from fediverse_hit.web.pages import local_person
from fediverse_hit.web.negotiation import activity_response, wants_activity_json

USER_COLLECTIONS = ("outbox", "followers", "following", "featured")
RELATIONSHIP_COLLECTIONS = {
    "followers": (count_followers, list_follower_uris),
    "following": (count_following, list_following_uris),
}


async def user_actor(request: Request) -> Response:
    """`/users/{name}`: the Person document, or the profile page for browsers."""
    actor = await local_person(request.path_params["username"])
    if not wants_activity_json(request):
        return await profile_pages.render_profile(request, actor)
    urls: InstanceUrls = request.app.state.urls
    return activity_response(actor_to_ap(actor, await list_active_keys(actor), urls), request=request)


async def instance_actor(request: Request) -> Response:
    """`/actor`: the instance actor (Application) that signs our fetches."""
    urls: InstanceUrls = request.app.state.urls
    actor = await find_actor_by_uri(urls.instance_actor())
    if actor is None:  # `fediverse-hit init` and start-up create it; only a wiped database lacks it
        raise NotFound("The instance actor has not been created; run `fediverse-hit init`.")
    if not wants_activity_json(request):
        return await pages.render_instance_actor(request, actor)
    return activity_response(actor_to_ap(actor, await list_active_keys(actor), urls), request=request)


async def user_collection(request: Request) -> Response:
    """A user's followers/following (paged; sizes only when hidden), outbox or featured."""
    actor = await local_person(request.path_params["username"])
    name = request.path_params["collection"]
    if name not in USER_COLLECTIONS:
        raise NotFound("No such collection.")
    urls: InstanceUrls = request.app.state.urls
    collection_id = urls.user_collection(actor.username, name)
    if name == "outbox":
        return await contribution_documents.user_outbox(request, actor)
    if name == "featured":
        return await contribution_documents.user_featured(request, actor)
    account = await find_account(actor.username)
    hidden = account is not None and account.hide_collections
    count, list_uris = RELATIONSHIP_COLLECTIONS[name]
    total = await count(actor)
    page = parse_page_number(request.query_params.get("page"))
    if page is None:
        return activity_response(build_collection(collection_id, total, hidden=hidden), request=request)
    items = [] if hidden else await list_uris(actor, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return activity_response(build_collection_page(collection_id, page, total, items), request=request)


async def instance_collection(request: Request) -> Response:
    """The instance actor's outbox, followers, following or featured collection."""
    name = request.path_params["collection"]
    if name not in USER_COLLECTIONS:
        raise NotFound("No such collection.")
    urls: InstanceUrls = request.app.state.urls
    return activity_response(empty_collection(urls.instance_collection(name)), request=request)
