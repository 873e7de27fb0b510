"""The whole route table of the web layer (DESIGN §3)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from fediverse_hit.settings import PROJECT_ROOT
from fediverse_hit.web import account_pages, activitypub, pages, wellknown

STATIC_DIR = PROJECT_ROOT / "templates" / "static"


def build_routes() -> list[BaseRoute]:
    """Every route, in one list, so the URL space can be read in one place."""
    return [
        Route("/", pages.home, name="home"),
        Route("/.well-known/webfinger", wellknown.webfinger),
        Route("/.well-known/nodeinfo", wellknown.nodeinfo_links),
        Route("/.well-known/host-meta", wellknown.host_meta),
        Route("/nodeinfo/{version}", wellknown.nodeinfo),
        Route("/healthz", wellknown.healthz),
        Route("/actor", activitypub.instance_actor, name="instance_actor"),
        Route("/actor/{collection}", activitypub.instance_collection),
        Route("/users/{username}", activitypub.user_actor, name="user"),
        Route("/users/{username}/{collection}", activitypub.user_collection),
        Route("/@{username}", pages.profile_page, name="profile"),
        Route("/signup", account_pages.signup_form, methods=["GET"], name="signup"),
        Route("/signup", account_pages.signup, methods=["POST"]),
        Route("/login", account_pages.login_form, methods=["GET"], name="login"),
        Route("/login", account_pages.login, methods=["POST"]),
        Route("/logout", account_pages.logout, methods=["POST"], name="logout"),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
