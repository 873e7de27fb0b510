"""`/notifications`: what happened to the logged-in person (follows, replies, mentions, likes,
boosts, remixes, quote requests), newest first, grouped (web/notification_groups.py), paged with
`?before=<id>`, filtered to mentions and replies with `?filter=mentions`. What a page shows is
marked read as it is shown (its "New" marks stay on that page), as Mastodon's web client does."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import BadRequest
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.contribution_rules import visible_among
from fediverse_hit.services.notifications import list_notifications, mark_all_read, mark_seen
from fediverse_hit.store.follows import follow_states_towards
from fediverse_hit.store.media_attachments import attachments_of
from fediverse_hit.store.models import Actor, Contribution, MediaAttachment, Notification, ProjectSubmission
from fediverse_hit.web.contribution_cards import actor_link, label_of, page_url
from fediverse_hit.web.excerpts import excerpt_of
from fediverse_hit.web.notification_groups import NotificationGroup, group_notifications
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form, require_account

PAGE_SIZE = 40
MENTIONS = frozenset({NotificationKind.MENTION, NotificationKind.REPLY})  # a reply mentions you too
WITH_EXCERPT = MENTIONS | {NotificationKind.REMIX, NotificationKind.SUBMISSION}
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


def _preview(files: list[MediaAttachment], urls: InstanceUrls) -> str:
    """A small picture of the work: its first image's thumbnail or a cover, if it has one."""
    for item in files:
        name = item.thumbnail_filename or item.cover_filename
        if name:
            return urls.media(name)
    return ""


def _work(live: Contribution, kind: str, files: list[MediaAttachment], urls: InstanceUrls) -> dict[str, str]:
    return {
        "label": label_of(live),
        "href": page_url(live),
        "excerpt": excerpt_of(live.content_html) if kind in WITH_EXCERPT else "",
        "preview_url": "" if live.sensitive or live.summary else _preview(files, urls),
    }


def group_dict(
    group: NotificationGroup,
    urls: InstanceUrls,
    visible: set[int],
    files: dict[int, list[MediaAttachment]],
    following: dict[int, str],
    quote_requests_url: str = "",
    queues: dict[int, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """One line of the list: who (the newest person named, the rest counted), what, and the work
    concerned, shown only while the recipient may see it (`visible`: ids decided by `can_view`'s
    rule; deleted ones are never in it). Follow lines offer "Follow back" for those not followed; a
    submission links to the project's queue (`queues`: contribution id → (project title, queue URL))."""
    newest = group.newest
    contribution = newest.contribution
    assert contribution is None or isinstance(contribution, Contribution)
    senders = [member.from_actor for member in group.members]
    assert all(isinstance(sender, Actor) for sender in senders)
    live = contribution if contribution is not None and contribution.id in visible else None
    queue = (queues or {}).get(contribution.id) if contribution is not None and newest.kind == NotificationKind.SUBMISSION else None
    people = [
        {**actor_link(sender, urls), "uri": sender.uri, "follow": following.get(sender.id, "none")} for sender in senders
    ]
    return {
        "id": newest.id,
        "kind": newest.kind,
        "wording": WORDING.get(newest.kind, newest.kind),
        "people": people,
        "others": len(people) - 1,
        "contribution": _work(live, newest.kind, files.get(live.id, []), urls) if live else None,
        "answer_url": quote_requests_url if newest.kind == NotificationKind.QUOTE_REQUEST else "",
        "queue": {"project": queue[0], "href": queue[1]} if queue else None,
        "follow_back": newest.kind in (NotificationKind.FOLLOW, NotificationKind.FOLLOW_REQUEST),
        "created": newest.created_at,
        "unread": group.unread,
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


async def _contributions_seen(me: Actor, rows: list[Notification]) -> tuple[set[int], dict[int, list[MediaAttachment]]]:
    """Which of the rows' works `me` may see, and their files."""
    contributions = [row.contribution for row in rows if isinstance(row.contribution, Contribution)]
    if contributions:
        await Contribution.fetch_for_list(contributions, "author")
    visible = await visible_among(me, contributions)
    return visible, await attachments_of(visible)


async def notifications_page(request: Request) -> Response:
    """The list (all, or `?filter=mentions`); "Mark all as read" stays for unread ones on older pages."""
    account = await require_account(request)
    me = await account.actor
    mentions_only = request.query_params.get("filter") == "mentions"
    kinds = MENTIONS if mentions_only else None
    rows = await list_notifications(me, before_id=_before(request), limit=PAGE_SIZE, kinds=kinds)
    visible, files = await _contributions_seen(me, rows)
    following = await follow_states_towards(me, list({row.from_actor_id for row in rows}))  # type: ignore[attr-defined]
    answer_url = str(request.url_for("quote_requests"))
    submitted = [row.contribution.id for row in rows if row.kind == NotificationKind.SUBMISSION and isinstance(row.contribution, Contribution)]
    queues = await _queues(request, me, submitted) if submitted else {}
    urls = request.app.state.urls
    items = [group_dict(group, urls, visible, files, following, answer_url, queues) for group in group_notifications(rows)]
    await mark_seen(me, [row.id for row in rows if row.read_at is None])
    query = "filter=mentions&" if mentions_only else ""
    context = {
        "items": items,
        "mentions_only": mentions_only,
        "older_url": f"{request.url.path}?{query}before={rows[-1].id}" if len(rows) >= PAGE_SIZE else "",
        "back": f"{request.url.path}?{query}".rstrip("?&"),
        "notice": "Everything is marked as read." if request.query_params.get("read") else "",
    }
    return await render(request, "notifications.html", context)


async def mark_read(request: Request) -> Response:
    """`POST /notifications/read`."""
    account = await require_account(request)
    await read_form(request)
    await mark_all_read(await account.actor)
    return RedirectResponse(f"{request.url_for('notifications')}?read=1", status_code=303)
