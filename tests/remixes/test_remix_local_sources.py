"""A remix of works on this same instance, made through the client-to-server outbox: the Note
pins each source's signed version, carries the quote fields Mastodon reads, credits and tells
the creators, and is signed by the remixer."""

from __future__ import annotations

import json

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.integrity_proofs import verify_proof
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.store.models import ChainDocument, Contribution, ContributionVersion, Notification, RemixSource
from tests.inbox_harness import InboxHarness
from tests.remix_steps import BY, BY_ND, BY_SA, ed25519_public_key, fetch_note, person_with_token, post, remix

pytestmark = pytest.mark.anyio


async def _work(client: httpx.AsyncClient, username: str, token: str, **fields: object) -> str:
    response = await post(client, username, token, {"name": "Night bus", "content": "A poem.", **fields})
    assert response.status_code == 201, response.text
    return response.headers["location"]


async def test_remix_of_a_local_work_pins_its_signed_version_and_quotes_it(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    ada, ada_token = await person_with_token("ada", urls)
    bo, bo_token = await person_with_token("bo", urls)
    original = await _work(client, "ada", ada_token)
    response = await remix(client, "bo", bo_token, original)
    assert response.status_code == 201, response.text
    note, _ = await fetch_note(client, response.headers["location"])
    _, original_text = await fetch_note(client, original)

    assert note["fhit:sources"] == [{
        "type": "fhit:Source", "object": original, "attributedTo": ada.uri,
        "digestMultibase": compute_digest_multibase(json.loads(original_text)), "fhit:weight": 10000,
    }]
    assert note["fhit:sources"][0]["digestMultibase"].startswith("z")
    assert note["fhit:upstreamShare"] == 5000
    assert [note[field] for field in ("quote", "quoteUri", "_misskey_quote", "quoteUrl")] == [original] * 4
    assert note["content"].endswith(f'<p class="quote-inline">RE: <a href="{original}">{original}</a></p>')
    assert {"type": "Mention", "href": ada.uri, "name": f"@ada@{urls.domain}"} in note["tag"]
    assert ada.uri in note["cc"]
    key, method = await ed25519_public_key(bo), f"{bo.uri}#ed25519-key"
    assert verify_proof(note, lambda wanted: key if wanted == method else None).verification_method == method


async def test_the_creator_is_told_of_the_remix_and_the_work_lists_it(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    ada, ada_token = await person_with_token("ada", urls)
    bo, bo_token = await person_with_token("bo", urls)
    original = await _work(client, "ada", ada_token)
    remix_iri = (await remix(client, "bo", bo_token, original)).headers["location"]

    remixed = await Contribution.get(uri=remix_iri)
    row = await RemixSource.get(remix=remixed).prefetch_related("source")
    assert (row.source.uri, row.link_state, row.weight, row.licence) == (original, "verified", 10000, BY_SA)
    assert remixed.upstream_share == 5000
    assert await ChainDocument.filter(digest_multibase=row.digest_multibase, object_uri=original).count() == 1
    kinds = await Notification.filter(recipient=ada).values_list("kind", flat=True)
    assert kinds == ["remix"]


async def test_weights_and_upstream_share_are_kept_as_given(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    first, second = await _work(client, "ada", ada_token), await _work(client, "ada", ada_token, name="Day bus")
    sources = [{"object": first, "fhit:weight": 7000}, {"object": second}]
    response = await remix(client, "bo", bo_token, **{"fhit:sources": sources, "fhit:upstreamShare": 2500})
    assert response.status_code == 201, response.text
    note, _ = await fetch_note(client, response.headers["location"])
    assert [(entry["object"], entry["fhit:weight"]) for entry in note["fhit:sources"]] == [(first, 7000), (second, 3000)]
    assert note["fhit:upstreamShare"] == 2500
    assert note["quote"] == first
    assert {"type": "Link", "href": second, "name": second,
            "mediaType": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'} in note["tag"]


async def test_weights_that_do_not_sum_to_10000_are_refused(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    first = await _work(client, "ada", ada_token)
    second = await _work(client, "ada", ada_token, name="Other")
    sources = [{"object": first, "fhit:weight": 6000}, {"object": second, "fhit:weight": 3000}]
    response = await remix(client, "bo", bo_token, **{"fhit:sources": sources})
    assert response.status_code == 422
    assert response.json() == {"error": "This remix cannot be made: source weights sum to 9000, not 10000."}
    assert await Contribution.filter(author__username="bo").count() == 0


async def test_a_local_no_derivatives_work_is_refused_naming_its_licence(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    original = await _work(client, "ada", ada_token, license=BY_ND)
    response = await remix(client, "bo", bo_token, original)
    assert response.status_code == 422
    assert response.json() == {"error": (
        f"This remix cannot be made: source {original} is under CC BY-ND 4.0, which forbids derivatives "
        "(NoDerivatives)."
    )}


async def test_an_unknown_or_private_local_source_is_refused_as_unknown(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    ada, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    private = await _work(client, "ada", ada_token, to=[urls.user_collection("ada", "followers")])
    missing = urls.contribution("12345")
    for source in (private, missing):
        response = await remix(client, "bo", bo_token, source)
        assert response.status_code == 422
        assert response.json() == {"error": f"Source {source} does not exist here."}


async def test_a_remix_under_a_licence_the_share_alike_source_forbids_is_refused(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    original = await _work(client, "ada", ada_token, license=BY_SA)
    response = await remix(client, "bo", bo_token, original, license=BY)
    assert response.status_code == 422
    assert response.json() == {"error": (
        f"This remix cannot be made: source {original} is under CC BY-SA 4.0: its ShareAlike term requires "
        "the remix to be CC BY-SA 4.0, not CC BY 4.0."
    )}


async def test_the_pinned_version_stays_served_after_the_source_is_edited(inbox: InboxHarness, urls: InstanceUrls) -> None:
    client = inbox.client
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    original = await _work(client, "ada", ada_token)
    note, _ = await fetch_note(client, (await remix(client, "bo", bo_token, original)).headers["location"])
    edit = {"type": "Update", "object": {"id": original, "type": "Note", "name": "Night bus", "content": "Rewritten."}}
    assert (await post(client, "ada", ada_token, edit)).status_code == 201
    version_one, _ = await fetch_note(client, f"{original}/versions/1")
    current, _ = await fetch_note(client, original)
    pinned = note["fhit:sources"][0]["digestMultibase"]
    assert compute_digest_multibase(version_one) == pinned
    assert compute_digest_multibase(current) != pinned
    assert await ContributionVersion.filter(contribution__uri=original).count() == 2
