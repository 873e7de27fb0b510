"""Relative times ("3 h", "2 d") with the exact time kept in `<time datetime>` and its title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fediverse_hit.web.time_format import relative_time, timestamp

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_short_distances_read_as_on_mastodon() -> None:
    ago = [timedelta(seconds=20), timedelta(minutes=5), timedelta(hours=3), timedelta(days=2), timedelta(days=6, hours=23)]
    assert [relative_time(NOW - delta, NOW) for delta in ago] == ["now", "5 min", "3 h", "2 d", "6 d"]


def test_older_times_read_as_dates_and_future_ones_as_in() -> None:
    assert relative_time(NOW - timedelta(days=8), NOW) == "28 Nov"
    assert relative_time(datetime(2025, 3, 1, tzinfo=UTC), NOW) == "1 Mar 2025"
    assert relative_time(NOW + timedelta(hours=5, minutes=1), NOW) == "in 5 h"


def test_timestamp_keeps_the_exact_time() -> None:
    html = str(timestamp(NOW - timedelta(hours=3), NOW))
    assert html == '<time datetime="2026-12-06T09:00:00+00:00" title="2026-12-06 09:00 UTC">3 h</time>'
    assert str(timestamp(None)) == ""


def test_naive_times_are_taken_as_utc() -> None:
    naive = datetime(2026, 12, 6, 11, 0)
    assert relative_time(naive, NOW) == "1 h"
