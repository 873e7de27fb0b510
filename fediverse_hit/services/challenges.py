"""Challenges: calls for contributions a project publishes (DESIGN §7), each open until its
deadline (`endTime` on the wire), then closed."""

from __future__ import annotations

from datetime import UTC, datetime

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.store.models import Actor, Contribution, Project, ProjectChallenge

MAX_CHALLENGE_DAYS = 3660  # a deadline at most about ten years ahead


def parse_deadline(value: object, now: datetime) -> datetime:
    """The challenge's `endTime` as an aware UTC datetime in the future; ValidationFailed otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("A challenge needs an `endTime`: its deadline, as an ISO 8601 date and time.")
    try:
        deadline = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationFailed("The challenge's `endTime` is not an ISO 8601 date and time.") from exc
    if deadline.tzinfo is None:
        raise ValidationFailed("The challenge's `endTime` needs a time zone (for example `Z`).")
    deadline = deadline.astimezone(UTC).replace(microsecond=0)
    if deadline <= now:
        raise ValidationFailed("The challenge's deadline (`endTime`) must be in the future.")
    if (deadline - now).days > MAX_CHALLENGE_DAYS:
        raise ValidationFailed(f"The challenge's deadline is at most {MAX_CHALLENGE_DAYS} days ahead.")
    return deadline


async def record_challenge(
    project: Project, contribution: Contribution, curator: Actor, deadline: datetime
) -> ProjectChallenge:
    """Keep that `contribution` (by the project's Group actor) is a challenge open until `deadline`."""
    return await ProjectChallenge.create(
        project=project, contribution=contribution, posted_by=curator, end_time=deadline
    )


async def challenge_deadline(contribution: Contribution) -> datetime | None:
    """The deadline of `contribution` if it is a challenge."""
    challenge = await ProjectChallenge.get_or_none(contribution_id=contribution.id)
    return challenge.end_time.astimezone(UTC) if challenge is not None else None


def is_open(challenge: ProjectChallenge, now: datetime) -> bool:
    return challenge.end_time > now


async def list_challenges(project: Project) -> list[ProjectChallenge]:
    """The project's challenges, newest first, with their contributions."""
    return await ProjectChallenge.filter(project=project, contribution__deleted_at=None).order_by(
        "-id"
    ).prefetch_related("contribution")


def challenge_text(brief: str, kinds: list[str], works: list[str]) -> str:
    """The Markdown of a challenge posted from the web form: the brief, then the kinds of media
    wanted and the works to remix as plain lines and links, which every fediverse reader shows
    (a challenge's own `fhit:sources` would make it a work, so works to remix are links)."""
    parts = [brief.strip()]
    if kinds:
        parts.append(f"Wanted: {', '.join(kinds)}.")
    if works:
        parts.append("Works to remix:\n\n" + "\n".join(f"- <{url}>" for url in works))
    return "\n\n".join(part for part in parts if part)


def open_then_closed(challenges: list[ProjectChallenge], now: datetime) -> list[ProjectChallenge]:
    """Open challenges first, the nearest deadline first; then closed ones, the latest closed first."""
    open_ones = sorted((c for c in challenges if is_open(c, now)), key=lambda c: c.end_time)
    closed = sorted((c for c in challenges if not is_open(c, now)), key=lambda c: c.end_time, reverse=True)
    return open_ones + closed
