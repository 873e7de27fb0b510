"""A remix and what it pins are stored together: when recording its sources fails, no plain
contribution (a work that silently lost its credits) is left behind."""

from __future__ import annotations

import pytest
from tortoise.exceptions import ValidationError

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import Source
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.remixes import LinkState, PinnedSource, create_remix
from fediverse_hit.store.models import ChainDocument, Contribution, RemixSource
from tests.remix_steps import BY, person_with_token

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

SOURCE = "https://elsewhere.example/works/1"
AUTHOR = "https://elsewhere.example/users/ada"
TEXT = '{"id":"https://elsewhere.example/works/1","type":"Note"}'


def _pinned(digest: str) -> PinnedSource:
    return PinnedSource(Source(SOURCE, (AUTHOR,), digest, 10000), TEXT, BY, LinkState.ATTESTED)


async def test_a_remix_whose_sources_cannot_be_recorded_leaves_no_contribution(urls: InstanceUrls) -> None:
    bo, _ = await person_with_token("bo", urls)
    draft = Draft(title="Night bus (song)", source="Set to music.", license=BY)
    too_long = "z" + "1" * 64  # the pinned digest column holds 64 characters: the second row fails

    with pytest.raises(ValidationError):
        await create_remix(bo, draft, [_pinned("z" + "1" * 40), _pinned(too_long)], 5000,
                           parent=None, mentions={}, iris=urls)

    assert await Contribution.filter(author=bo).count() == 0
    assert await RemixSource.all().count() == 0
    assert await ChainDocument.all().count() == 0


async def test_a_remix_is_stored_with_its_sources(urls: InstanceUrls) -> None:
    bo, _ = await person_with_token("bo", urls)
    draft = Draft(title="Night bus (song)", source="Set to music.", license=BY)

    remix = await create_remix(bo, draft, [_pinned("z" + "1" * 40)], 4000, parent=None, mentions={}, iris=urls)

    assert await Contribution.filter(author=bo).values_list("id", "upstream_share") == [(remix.id, 4000)]
    assert await RemixSource.filter(remix=remix).values_list("source_uri", "link_state") == [(SOURCE, "attested")]
