"""Projects on the in-process instance: the inbox harness, and a project curated by Alice."""

from __future__ import annotations

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.store.models import Project
from tests.asgi_forms import PASSWORD
from tests.inbox_harness import inbox

__all__ = ["inbox"]


@pytest.fixture
async def mural(client: object, urls: InstanceUrls) -> Project:
    """The project `mural` ("City Mural"), curated by Alice; defaults for pool and window."""
    alice = await create_account("alice", PASSWORD, urls)
    return await create_project(ProjectDraft(slug="mural", title="City Mural"), [await alice.actor], urls)
