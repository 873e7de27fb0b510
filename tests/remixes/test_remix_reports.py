"""The verification page of a remix made here, over the chain as really signed and kept: a signed
remote source verified, an unsigned one attested, and a kept snapshot that no longer matches the
digest its remix pins shown as tampered, with the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.store.models import ChainDocument
from tests.inbox_harness import InboxHarness, RemotePerson
from tests.remix_steps import BY, person_with_token, remix

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}


def _signed(person: RemotePerson, number: int, **fields: Any) -> dict[str, Any]:
    return person.prove({"@context": "https://www.w3.org/ns/activitystreams", **person.note(number, **fields)})


async def _remix_of_signed_and_unsigned(inbox: InboxHarness, urls: InstanceUrls) -> tuple[str, dict[str, Any], dict[str, Any]]:
    zoe = inbox.network.person("zoe")
    signed, unsigned = _signed(zoe, 1, license=BY), zoe.note(2)  # the second as Mastodon serves it
    inbox.network.serve(signed)
    inbox.network.serve(unsigned)
    _, token = await person_with_token("ada", urls)
    sources = [{"object": signed["id"], "fhit:weight": 6000}, {"object": unsigned["id"], "fhit:weight": 4000}]
    response = await remix(inbox.client, "ada", token, **{"fhit:sources": sources})
    assert response.status_code == 201, response.text
    return response.headers["location"], signed, unsigned


async def test_report_page_shows_verified_and_attested_links_of_a_real_chain(inbox: InboxHarness, urls: InstanceUrls) -> None:
    location, signed, unsigned = await _remix_of_signed_and_unsigned(inbox, urls)

    page = (await inbox.client.get(location + "/verification", headers=HTML)).text

    assert "The chain holds. Some links are <strong>attested</strong>" in page
    assert f'<span class="badge link-state link-verified">Verified</span>\n      <span class="muted">Step 1:</span>\n      <a href="{signed["id"]}">' in page
    assert f'<span class="badge link-state link-attested">Attested</span>\n      <span class="muted">Step 1:</span>\n      <a href="{unsigned["id"]}">' in page
    assert f"Pinned digest <code>{compute_digest_multibase(unsigned)}</code>" in page
    work = (await inbox.client.get(location, headers=HTML)).text
    assert "Chain recorded: 1 verified, 1 attested" in work


async def test_a_kept_source_that_no_longer_matches_its_pinned_digest_is_shown_tampered(
    inbox: InboxHarness, urls: InstanceUrls
) -> None:
    location, signed, _ = await _remix_of_signed_and_unsigned(inbox, urls)
    pinned = compute_digest_multibase(signed)
    altered = {**signed, "content": "<p>Rewritten after the remix was made</p>"}
    await ChainDocument.filter(digest_multibase=pinned).update(document_json=json.dumps(altered))

    page = (await inbox.client.get(location + "/verification", headers=HTML)).text

    assert "The chain does not hold: some links could not be checked or do not match." in page
    assert f'<span class="badge link-state link-tampered">Tampered</span>\n      <span class="muted">Step 1:</span>\n      <a href="{signed["id"]}">' in page
    assert f"Digest mismatch: pinned {pinned}, copy has {compute_digest_multibase(altered)}." in page
    assert '<span class="badge link-state link-tampered">Tampered</span> 1</li>' in page
