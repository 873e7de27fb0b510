"""The ASGI application: settings, database lifespan, middleware, routes and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from fediverse_hit.errors import HitError, handle_hit_error, handle_http_exception
from fediverse_hit.federation.runtime import background_worker, federation_runtime
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.settings import Settings, read_secret
from fediverse_hit.store.change_feed import listen_for_changes
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.web.database_retry import DatabaseRetryMiddleware
from fediverse_hit.web.feed_cache import FeedCache
from fediverse_hit.web.read_cache import ReadCacheMiddleware
from fediverse_hit.web.routes import build_routes
from fediverse_hit.web.security_headers import SecurityHeadersMiddleware
from fediverse_hit.web.session_accounts import SessionAccounts
from fediverse_hit.web.templating import create_templates

SESSION_COOKIE = "hit_session"
SESSION_MAX_AGE = 30 * 24 * 3600


def create_app(settings: Settings, *, run_worker: bool = False) -> Starlette:
    """Build the web application for `settings` (the database opens in the lifespan).

    With `run_worker` the background worker runs in this process while the app is up.
    """
    urls = InstanceUrls(scheme=settings.scheme, domain=settings.domain)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_database(settings.database_url)
        try:
            async with listen_for_changes(settings.database_url), federation_runtime(settings, urls) as runtime:
                app.state.fetcher = runtime.fetcher
                app.state.handler_context = runtime.handler_context()
                if run_worker:
                    async with background_worker(runtime):
                        yield
                else:
                    yield
        finally:
            await close_database()

    app = Starlette(
        routes=build_routes(),
        lifespan=lifespan,
        middleware=[
            Middleware(ReadCacheMiddleware),  # outermost: a kept answer skips everything below
            Middleware(SecurityHeadersMiddleware, https=settings.scheme == "https"),
            Middleware(
                SessionMiddleware,
                secret_key=read_secret(settings),
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_MAX_AGE,
                same_site="lax",
                https_only=settings.scheme == "https",
            ),
            Middleware(DatabaseRetryMiddleware),  # innermost: a retry reuses the session as read
        ],
        exception_handlers={HitError: handle_hit_error, HTTPException: handle_http_exception},
    )
    app.state.settings = settings
    app.state.clock = _utc_now  # rate limits read the time here, so tests can step it
    app.state.urls = urls
    app.state.templates = create_templates(settings)
    app.state.feed_cache = FeedCache()
    app.state.session_accounts = SessionAccounts()
    return app


def _utc_now() -> datetime:
    return datetime.now(UTC)
