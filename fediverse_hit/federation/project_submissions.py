"""Telling the fediverse what curators decided about a submission, as the project's Group actor:
selected → `Announce` (FEP-1b12: a group redistributes what it accepts; Mastodon shows it as a
boost by the group) and `Add` to `fhit:selected`, to the followers and the creator; declined →
`Reject` to the creator. Each is signed with the project's key (FEP-8b32)."""

from __future__ import annotations

from datetime import UTC, datetime

from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.content_activities import build_announce
from fediverse_hit.protocol.project_activities import build_decline, build_selection
from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION
from fediverse_hit.protocol.vocabulary import SubmissionState
from fediverse_hit.services.submissions import decide_submission
from fediverse_hit.store.follows import list_followers
from fediverse_hit.store.models import Actor, Project, ProjectSubmission


async def select_submission(project: Project, curator: Actor, contribution_uri: str, urls: InstanceUrls) -> ProjectSubmission:
    """Select as `curator`; the first time, Announce and Add it as the project."""
    submission, changed = await decide_submission(project, curator, contribution_uri, SubmissionState.SELECTED)
    if not changed:
        return submission
    group, contribution = project.actor, submission.contribution
    creator: Actor = contribution.author
    followers = urls.project_collection(project.slug, "followers")
    now = datetime.now(UTC)
    add = build_selection(
        urls.new_activity_id(), group.uri, contribution.uri, urls.project_collection(project.slug, "selected"),
        followers, creator.uri, now,
    )
    announce = build_announce(urls.new_activity_id(), group.uri, contribution.uri, now, [PUBLIC_COLLECTION], [followers, creator.uri])
    submission.decision_activity_uri = add["id"]
    await submission.save(update_fields=["decision_activity_uri"])
    inboxes = inboxes_for([*await list_followers(group), creator])
    if inboxes:
        for activity in (announce, add):
            await enqueue_activity(await sign_document(activity, group, urls), group, inboxes)
    return submission


async def decline_submission(
    project: Project, curator: Actor, contribution_uri: str, note: str, urls: InstanceUrls
) -> ProjectSubmission:
    """Decline as `curator`, with an optional note; the first time, Reject it as the project."""
    submission, changed = await decide_submission(project, curator, contribution_uri, SubmissionState.DECLINED, note)
    if not changed:
        return submission
    group, contribution = project.actor, submission.contribution
    creator: Actor = contribution.author
    reject = build_decline(urls.new_activity_id(), group.uri, contribution.uri, creator.uri, submission.decision_note)
    submission.decision_activity_uri = reject["id"]
    await submission.save(update_fields=["decision_activity_uri"])
    inboxes = inboxes_for([creator])
    if inboxes:
        await enqueue_activity(await sign_document(reject, group, urls), group, inboxes)
    return submission
