"""The front page's grid of recent public works: pictures for images, excerpts for text, nothing
that is not public, and a sensitive work's picture kept behind its warning."""

from __future__ import annotations

import re

import httpx
import pytest

from fediverse_hit.store.models import Account
from tests.asgi_forms import HTML
from tests.web.test_media_capabilities import png, publish

pytestmark = pytest.mark.anyio


def _tiles(page: str) -> list[str]:
    return re.findall(r'<li class="work-tile work-(\w+)">', page)


async def test_recent_public_works_show_as_a_grid_of_pictures_and_text_cards(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    await publish(client, {"file_1": ("sea.png", png(), "image/png")}, title="Sea", alt_1="Waves at dusk")
    await publish(client, {}, title="Poem", source="The tide comes in and *the tide* goes out")
    await publish(client, {}, title="Diary", source="Only for followers", visibility="followers")
    await publish(client, {"file_1": ("cw.png", png((0, 0, 0)), "image/png")}, title="Night", summary="Flashing lights")

    page = (await anonymous.get("/", headers=HTML)).text
    assert _tiles(page) == ["image", "text", "image"]  # newest first, the followers-only diary left out
    assert "Diary" not in page and "Only for followers" not in page
    assert re.search(r'<img class="tile-cover" src="[^"]+\.webp" alt="Waves at dusk"', page)
    assert "The tide comes in and the tide goes out" in page  # the text as words, not markup
    assert '<span class="tile-cover tile-sensitive"><span>Flashing lights</span></span>' in page
    assert page.count('class="tile-cover"') == 1  # the sensitive image shows no picture


async def test_an_empty_instance_says_so(anonymous: httpx.AsyncClient) -> None:
    assert "No public works yet." in (await anonymous.get("/", headers=HTML)).text
