"""`POST /inbox` and `POST /users/{name}/inbox`: read the body under a cap and hand it over."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import PayloadTooLarge
from fediverse_hit.federation.inbox import MAX_INBOX_BYTES, InboundPost, accept_inbox_post
from fediverse_hit.federation.ttl_cache import TtlCache
from fediverse_hit.store.change_feed import ACCOUNTS, WORK, on_change, publish_change
from fediverse_hit.web.database_retry import idempotent
from fediverse_hit.web.pages import local_person

_LIVE_ACCOUNTS: TtlCache[str, bool] = TtlCache(ttl=60)
on_change(ACCOUNTS, _LIVE_ACCOUNTS.clear)  # an account deleted in any process answers 410 at once


async def read_capped_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it grows past `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Bodies are limited to {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"Bodies are limited to {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def received_url(request: Request) -> str:
    """The target URI as the client addressed it: our public scheme, its Host header, raw path."""
    scheme = request.app.state.settings.scheme
    host = request.headers.get("host", request.app.state.settings.domain)
    target = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{scheme}://{host}{target}" + (f"?{query}" if query else "")


@idempotent  # an activity stored twice is stored once (unique activity id); see database_retry
async def shared_inbox(request: Request) -> Response:
    """Accept an activity for anyone here (202), or say why not (413/400/401/403)."""
    body = await read_capped_body(request, MAX_INBOX_BYTES)
    post = InboundPost(request.method, received_url(request), list(request.headers.items()), body)
    await accept_inbox_post(post, request.app.state.fetcher, request.app.state.urls)
    await publish_change(WORK)
    return Response(status_code=202)


@idempotent
async def personal_inbox(request: Request) -> Response:
    """A user's inbox: the same as the shared inbox, for an account that exists here.

    Accounts found live are remembered for a minute, so a busy inbox costs no lookup per post;
    activities for an account deleted meanwhile are dropped by the handlers.
    """
    username = request.path_params["username"].lower()
    if not _LIVE_ACCOUNTS.get(username):
        await local_person(username)
        _LIVE_ACCOUNTS.put(username, True)
    return await shared_inbox(request)
