"""The whole route table of the web layer (DESIGN §3)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from fediverse_hit.settings import PROJECT_ROOT
from fediverse_hit.web import (
    account_pages,
    activitypub,
    admin_licence_pages,
    admin_pages,
    composer_pages,
    contribution_documents,
    contribution_pages,
    domain_block_pages,
    inbox,
    media,
    media_api,
    notification_pages,
    outbox,
    pages,
    relationship_pages,
    remix_pages,
    settings_pages,
    timeline_pages,
    wellknown,
)

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
        Route("/inbox", inbox.shared_inbox, methods=["POST"], name="shared_inbox"),
        Route("/users/{username}", activitypub.user_actor, name="user"),
        Route("/users/{username}/inbox", inbox.personal_inbox, methods=["POST"]),
        Route("/users/{username}/outbox", outbox.post_outbox, methods=["POST"]),
        Route("/users/{username}/{collection}", activitypub.user_collection),
        Route("/@{username}", pages.profile_page, name="profile"),
        # Contribution pages: `/contributions/new` stays before every `/contributions/{id}` route.
        Route("/contributions/new", composer_pages.composer_form, methods=["GET"], name="composer"),
        Route("/contributions/new", composer_pages.publish, methods=["POST"]),
        Route("/contributions/{local_id:int}/edit", composer_pages.edit_form, methods=["GET"], name="edit_contribution"),
        Route("/contributions/{local_id:int}/edit", composer_pages.save_edit, methods=["POST"]),
        Route("/contributions/{local_id:int}/family", remix_pages.family_page, name="contribution_family"),
        Route(
            "/contributions/{local_id:int}/verification",
            remix_pages.verification_page,
            name="contribution_verification",
        ),
        Route("/contributions/{local_id:int}/embed", contribution_pages.embed_page, name="embed_contribution"),
        Route("/contributions/{local_id:int}/delete", contribution_pages.delete, methods=["POST"]),
        Route("/contributions/{local_id:int}/pin", contribution_pages.pin, methods=["POST"]),
        Route("/contributions/{local_id:int}/unpin", contribution_pages.unpin, methods=["POST"]),
        Route("/contributions/{local_id:int}/like", contribution_pages.like, methods=["POST"]),
        Route("/contributions/{local_id:int}/unlike", contribution_pages.unlike, methods=["POST"]),
        Route("/contributions/{local_id:int}/boost", contribution_pages.boost, methods=["POST"]),
        Route("/contributions/{local_id:int}/unboost", contribution_pages.unboost, methods=["POST"]),
        Route("/contributions/{local_id:int}", contribution_documents.contribution, name="contribution"),
        Route("/contributions/{local_id:int}/activity", contribution_documents.contribution_activity),
        Route(
            "/contributions/{local_id:int}/versions/{number:int}",
            contribution_documents.contribution_version,
            name="contribution_version",
        ),
        Route("/contributions/{local_id:int}/chain", contribution_documents.contribution_chain, name="contribution_chain"),
        *[
            Route(f"/contributions/{{local_id:int}}/{name}", contribution_documents.contribution_collection)
            for name in contribution_documents.CONTRIBUTION_COLLECTIONS
        ],
        Route("/remote-contributions/{row_id:int}/like", contribution_pages.like, methods=["POST"]),
        Route("/remote-contributions/{row_id:int}/unlike", contribution_pages.unlike, methods=["POST"]),
        Route("/remote-contributions/{row_id:int}/boost", contribution_pages.boost, methods=["POST"]),
        Route("/remote-contributions/{row_id:int}/unboost", contribution_pages.unboost, methods=["POST"]),
        Route("/home", timeline_pages.home_timeline, name="home_timeline"),
        Route("/local", timeline_pages.local_timeline, name="local_timeline"),
        Route("/federated", timeline_pages.federated_timeline, name="federated_timeline"),
        Route("/tags/{name}", timeline_pages.tag_timeline, name="tag"),
        Route("/notifications", notification_pages.notifications_page, name="notifications"),
        Route("/notifications/read", notification_pages.mark_read, methods=["POST"], name="mark_notifications_read"),
        Route("/signup", account_pages.signup_form, methods=["GET"], name="signup"),
        Route("/signup", account_pages.signup, methods=["POST"]),
        Route("/login", account_pages.login_form, methods=["GET"], name="login"),
        Route("/login", account_pages.login, methods=["POST"]),
        Route("/logout", account_pages.logout, methods=["POST"], name="logout"),
        Route("/settings", settings_pages.profile_form, methods=["GET"], name="settings"),
        Route("/settings", settings_pages.save_profile_form, methods=["POST"]),
        Route("/settings/tokens", settings_pages.tokens_page, methods=["GET"], name="tokens"),
        Route("/settings/tokens", settings_pages.create_token_form, methods=["POST"]),
        Route(
            "/settings/tokens/{token_id:int}/revoke",
            settings_pages.revoke_token_form,
            methods=["POST"],
            name="revoke_token",
        ),
        Route("/admin/registrations", admin_pages.registrations_page, methods=["GET"], name="admin_registrations"),
        Route("/admin/registrations", admin_pages.update_registrations, methods=["POST"]),
        Route("/settings/delete", account_pages.delete_account_form, methods=["GET"], name="delete_account"),
        Route("/settings/delete", account_pages.delete_account, methods=["POST"]),
        Route("/search", relationship_pages.search, name="search"),
        Route("/relationships/follow", relationship_pages.follow, methods=["POST"], name="follow"),
        Route("/relationships/unfollow", relationship_pages.unfollow, methods=["POST"], name="unfollow"),
        Route("/relationships/block", relationship_pages.block, methods=["POST"], name="block"),
        Route("/relationships/unblock", relationship_pages.unblock, methods=["POST"], name="unblock"),
        Route("/follow-requests", relationship_pages.follow_requests, name="follow_requests"),
        Route("/follow-requests/approve", relationship_pages.approve_request, methods=["POST"], name="approve_request"),
        Route("/follow-requests/reject", relationship_pages.reject_request, methods=["POST"], name="reject_request"),
        Route("/admin/licence", admin_licence_pages.licence_page, methods=["GET"], name="admin_licence"),
        Route("/admin/licence", admin_licence_pages.save_licence, methods=["POST"]),
        Route("/admin/domain-blocks", domain_block_pages.domain_blocks_page, methods=["GET"], name="domain_blocks"),
        Route("/admin/domain-blocks", domain_block_pages.add_block, methods=["POST"]),
        Route(
            "/admin/domain-blocks/{block_id}/remove",
            domain_block_pages.remove_block,
            methods=["POST"],
            name="remove_domain_block",
        ),
        Route("/media/{filename}", media.media_file, name="media"),
        Route("/api/media", media_api.upload_media, methods=["POST"], name="upload_media"),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
