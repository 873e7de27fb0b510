"""`/notifications`: what happened to the logged-in person (follows, replies, mentions, likes,
boosts, remixes, quote requests), newest first, paged with `?before=<id>`, and a form that marks everything read."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import BadRequest
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.contribution_rules import visible_among
from fediverse_hit.services.notifications import list_notifications, mark_all_read
from fediverse_hit.store.models import Actor, Contribution, Notification, ProjectSubmission
from fediverse_hit.web.contribution_cards import actor_link, label_of, page_url
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form, require_account

PAGE_SIZE = 40
WORDING: dict[str, str] = {
    NotificationKind.FOLLOW: "followed you",
    NotificationKind.FOLLOW_REQUEST: "asked to follow you",
    NotificationKind.REPLY: "replied to you",
    NotificationKind.MENTION: "mentioned you",
    NotificationKind.LIKE: "liked your contribution",
    NotificationKind.BOOST: "boosted your contribution",
    NotificationKind.REMIX: "remixed your work",  # the contribution is the remix
    NotificationKind.QUOTE_REQUEST: "asks to quote your work",  # the contribution is the work quoted
    NotificationKind.SUBMISSION: "submitted a contribution to your project",
    NotificationKind.SELECTED: "selected your submission",
    NotificationKind.DECLINED: "declined your submission",
    NotificationKind.PAYMENT: "sent you a payment statement",
}


def notification_dict(
    notification: Notification, urls: InstanceUrls, visible: set[int], quote_requests_url: str = "",
    queues: dict[int, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """One notification as the template shows it: the contribution only while the recipient may
    see it (`visible`: ids decided by `can_view`'s rule; deleted ones are never in it). A quote
    request also links to the page where it is answered, a submission to the project's queue
    (`queues`: contribution id → (project title, queue URL))."""
    contribution, sender = notification.contribution, notification.from_actor
    assert isinstance(sender, Actor) and (contribution is None or isinstance(contribution, Contribution))
    live = contribution if contribution is not None and contribution.id in visible else None
    answer = quote_requests_url if notification.kind == NotificationKind.QUOTE_REQUEST else ""
    queue = (queues or {}).get(contribution.id) if contribution is not None and notification.kind == NotificationKind.SUBMISSION else None
    return {
        "id": notification.id,
        "kind": notification.kind,
        "wording": WORDING.get(notification.kind, notification.kind),
        "from": actor_link(sender, urls),
        "contribution": {"label": label_of(live), "href": page_url(live)} if live else None,
        "answer_url": answer,
        "queue": {"project": queue[0], "href": queue[1]} if queue else None,
        "created": notification.created_at,
        "unread": notification.read_at is None,
    }


async def _queues(request: Request, curator: Actor, contribution_ids: list[int]) -> dict[int, tuple[str, str]]:
    """For submissions to projects `curator` curates: the project's title and its queue's URL."""
    rows = await ProjectSubmission.filter(
        contribution_id__in=contribution_ids, project__curators__actor_id=curator.id
    ).prefetch_related("project")
    return {
        row.contribution_id: (row.project.title, str(request.url_for("project_queue", slug=row.project.slug)))  # type: ignore[attr-defined]
        for row in rows
    }


def _before(request: Request) -> int | None:
    raw = request.query_params.get("before", "")
    if raw and (not raw.isdigit() or len(raw) > 20):
        raise BadRequest("`before` must come from an “Older” link.")
    return int(raw) if raw else None


async def notifications_page(request: Request) -> Response:
    """The list, with a "Mark all as read" button when something is unread."""
    account = await require_account(request)
    me = await account.actor
    rows = await list_notifications(me, before_id=_before(request), limit=PAGE_SIZE)
    contributions = [row.contribution for row in rows if isinstance(row.contribution, Contribution)]
    if contributions:
        await Contribution.fetch_for_list(contributions, "author")
    visible = await visible_among(me, contributions)
    answer_url = str(request.url_for("quote_requests"))
    submitted = [row.contribution.id for row in rows if row.kind == NotificationKind.SUBMISSION and isinstance(row.contribution, Contribution)]
    queues = await _queues(request, me, submitted) if submitted else {}
    items = [notification_dict(row, request.app.state.urls, visible, answer_url, queues) for row in rows]
    context = {
        "items": items,
        "any_unread": any(item["unread"] for item in items),
        "older_url": f"{request.url.path}?before={rows[-1].id}" if len(rows) >= PAGE_SIZE else "",
        "notice": "Everything is marked as read." if request.query_params.get("read") else "",
    }
    return await render(request, "notifications.html", context)


async def mark_read(request: Request) -> Response:
    """`POST /notifications/read`."""
    account = await require_account(request)
    await read_form(request)
    await mark_all_read(await account.actor)
    return RedirectResponse(f"{request.url_for('notifications')}?read=1", status_code=303)
