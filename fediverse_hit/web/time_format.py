"""Times on pages as people read them on Mastodon or Pixelfed: "3 h", "2 d", "6 Dec", with the
exact time kept in `<time datetime>` and shown as the element's title (the `timestamp` filter)."""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape

MINUTE, HOUR, DAY = 60, 3600, 86400
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def relative_time(value: datetime, now: datetime | None = None) -> str:
    """A short distance from `now`: "now", "5 min", "3 h", "2 d" (up to a week), then the date
    ("6 Dec", with the year when it is not this one). Future times read "in 3 h"."""
    value, now = _aware(value), _aware(now or datetime.now(UTC))
    seconds = int((now - value).total_seconds())
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < MINUTE:
        return "now"
    if seconds < 7 * DAY:
        amount, unit = next((seconds // size, name) for size, name in ((DAY, "d"), (HOUR, "h"), (MINUTE, "min")) if seconds >= size)
        return f"in {amount} {unit}" if ahead else f"{amount} {unit}"
    date = f"{value.day} {MONTHS[value.month - 1]}"
    return date if value.year == now.year else f"{date} {value.year}"


def exact_time(value: datetime) -> str:
    """The full time in UTC, for titles and tables: "2026-12-06 05:04 UTC"."""
    return _aware(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def timestamp(value: datetime | None, now: datetime | None = None) -> Markup:
    """`<time datetime="…" title="exact">relative</time>`; empty for no time."""
    if value is None:
        return Markup("")
    exact = exact_time(value)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        _aware(value).isoformat(), exact, escape(relative_time(value, now))
    )
