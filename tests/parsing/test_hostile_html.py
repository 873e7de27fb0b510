"""Remote HTML shaped to make parsers slow: each field is cut before any parsing, nh3 only ever
gets balanced markup a bounded number of elements deep, and our own tokenizer's steps grow
linearly with the input. Work is counted (characters handed on, depth, traced line events),
never timed, so these cannot flake.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import nh3
import pytest

from fediverse_hit.protocol import notes
from fediverse_hit.protocol.html_sanitizing import MAX_OPEN_ELEMENTS, html_to_text, sanitize_html
from fediverse_hit.protocol.notes import parse_note

# Each pathological shape is a unit repeated to the wanted size.
SHAPES = {
    "unclosed headings": "<h1>x",
    "unclosed heading tags": "<h2 ",
    "unclosed `<a `": "<a ",
    "unclosed links": '<a href="https://x.example/">x',
    "unclosed quoted attribute": '<a title="',
    "formatting soup": "<b><i><u>",
    "unclosed comment": "<!--",
    "CDATA": "<![CDATA[",
    "entity soup": "&amp;&#x41;&lt&&#99999999;",
    "nested blockquotes": "<blockquote>",
    "nested lists": "<ul><li>",
    "nested divs": "<div>",
    "no tag at all": "lorem ipsum ",
    "line breaks": "<br>",
    "unclosed paragraphs": "<p>x",
}
MEGABYTE = 1_000_000


def repeated(unit: str, size: int) -> str:
    return unit * (size // len(unit))


def capped_spy(monkeypatch: pytest.MonkeyPatch, name: str, limit: int) -> list[int]:
    """Replace `notes.<name>` by a wrapper that refuses input over `limit` before parsing it."""
    real: Callable[[str], str] = getattr(notes, name)
    sizes: list[int] = []

    def spy(html: str) -> str:
        sizes.append(len(html))
        assert len(html) <= limit, f"{name} got {len(html)} characters"
        return real(html)

    monkeypatch.setattr(notes, name, spy)
    return sizes


def depth_of(markup: str) -> int:
    """The deepest nesting of elements in balanced markup (`<br>` is void)."""
    depth = deepest = 0
    for closing, name in re.findall(r"<(/?)([a-z0-9]+)", markup):
        if name != "br":
            depth += -1 if closing else 1
            deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize("shape", SHAPES)
def test_a_megabyte_of_hostile_content_reaches_the_sanitizer_cut_to_the_cap(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = capped_spy(monkeypatch, "sanitize_html", notes.MAX_CONTENT_CHARS)
    note = {"id": "https://evil.example/n/1", "type": "Note", "attributedTo": "https://evil.example/u/e",
            "content": repeated(SHAPES[shape], MEGABYTE)}
    parse_note(note)
    assert sizes == [notes.MAX_CONTENT_CHARS]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_megabyte_of_hostile_article_name_reaches_text_extraction_cut_to_the_cap(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = capped_spy(monkeypatch, "html_to_text", notes.MAX_NAME_CHARS)
    article = {"id": "https://evil.example/a/1", "type": "Article", "attributedTo": "https://evil.example/u/e",
               "name": repeated(SHAPES[shape], MEGABYTE), "content": "<p>ok</p>"}
    parse_note(article)
    assert sizes == [notes.MAX_NAME_CHARS]


@pytest.mark.parametrize("shape", SHAPES)
def test_nh3_gets_balanced_markup_at_most_the_open_element_cap_deep(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = nh3.clean
    handed: list[str] = []

    def spy(html: str, **options: Any) -> str:
        handed.append(html)
        assert depth_of(html) <= MAX_OPEN_ELEMENTS, f"nh3 got markup {depth_of(html)} elements deep"
        return real(html, **options)

    monkeypatch.setattr(nh3, "clean", spy)
    hostile = repeated(SHAPES[shape], notes.MAX_CONTENT_CHARS)
    sanitize_html(hostile)
    assert len(handed) == 1
    assert len(handed[0]) <= 6 * len(hostile)  # `<h1>x` becomes `<p><strong>x</strong></p>`


def traced_lines(function: Callable[[str], str], source: str) -> int:
    """Python line events while `function(source)` runs: a deterministic count of its steps."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        count += event == "line"
        return trace

    sys.settrace(trace)
    try:
        function(source)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("function", [sanitize_html, html_to_text], ids=["sanitize_html", "html_to_text"])
@pytest.mark.parametrize("shape", SHAPES)
def test_parsing_steps_grow_linearly_with_hostile_input(shape: str, function: Callable[[str], str]) -> None:
    small = traced_lines(function, repeated(SHAPES[shape], 2_000))
    large = traced_lines(function, repeated(SHAPES[shape], 8_000))
    assert large <= 4.2 * small + 200, f"{small} steps for 2 KB, {large} for 8 KB"
