"""The project page (with Follow, like a person's profile) and creating a project from the web."""

from __future__ import annotations

import httpx
import pytest

from fediverse_hit.store.models import Follow, Project, ProjectCurator
from tests.asgi_forms import HTML, csrf_from, log_in

pytestmark = pytest.mark.anyio


async def test_project_page_shows_title_curators_terms_and_follow(client: httpx.AsyncClient, mural: Project) -> None:
    await log_in(client, "alice")
    page = await client.get("/projects/mural", headers=HTML)
    assert page.status_code == 200
    assert "<h1 id=\"project-name\">City Mural</h1>" in page.text
    assert "@mural@hit.test" in page.text
    assert '<link rel="alternate" type="application/activity+json" href="http://hit.test/projects/mural">' in page.text
    assert "may use it in the project&#39;s works" in page.text
    assert "50% of a work's profit" in page.text
    assert ">Follow</button>" in page.text


async def test_following_a_project_from_its_page(client: httpx.AsyncClient, mural: Project) -> None:
    await log_in(client, "alice")
    token = await csrf_from(client, "/projects/mural")
    response = await client.post(
        "/relationships/follow",
        data={"csrf_token": token, "actor_uri": mural.actor.uri, "back": "/projects/mural"},
    )
    assert response.status_code == 303
    assert await Follow.filter(followed_id=mural.actor.id, state="accepted").count() == 1  # type: ignore[attr-defined]
    page = await client.get("/projects/mural", headers=HTML)
    assert "You follow this project." in page.text
    assert "1 follower<" in page.text


async def test_creating_a_project_from_the_web_makes_the_creator_curator(
    client: httpx.AsyncClient, mural: Project
) -> None:
    await log_in(client, "alice")
    token = await csrf_from(client, "/projects/new")
    response = await client.post(
        "/projects/new",
        data={"csrf_token": token, "slug": "zine", "title": "Zine", "description": "", "pool_bp": "6000", "comment_days": "0"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "http://hit.test/projects/zine"
    zine = await Project.get(slug="zine")
    assert (zine.pool_bp, zine.comment_days) == (6000, 0)
    assert await ProjectCurator.filter(project=zine).count() == 1


async def test_web_form_refuses_a_taken_name_and_says_so(client: httpx.AsyncClient, mural: Project) -> None:
    await log_in(client, "alice")
    token = await csrf_from(client, "/projects/new")
    response = await client.post(
        "/projects/new",
        data={"csrf_token": token, "slug": "alice", "title": "Mine", "description": "", "pool_bp": "5000", "comment_days": "14"},
    )
    assert response.status_code == 409
    assert "That name is taken by a person or a project." in response.text
    assert await Project.all().count() == 1
