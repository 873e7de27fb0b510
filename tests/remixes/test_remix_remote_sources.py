"""A remix of works on other servers: each source is fetched signed from its origin, kept byte for
byte, its proof and chain verified (attested when it carries no proof), its author's key document
kept, and every refusal names the source and the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import build_source_entry, Source
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.store.models import ChainDocument, ChainKeyDocument, Contribution, Delivery, RemixSource
from tests.inbox_harness import InboxHarness, RemotePerson
from tests.remix_steps import BY, BY_NC, BY_ND, BY_SA, fetch_note, person_with_token, remix

pytestmark = pytest.mark.anyio


def _signed(person: RemotePerson, number: int, **fields: Any) -> dict[str, Any]:
    return person.prove({"@context": "https://www.w3.org/ns/activitystreams", **person.note(number, **fields)})


def _source_entry(document: dict[str, Any]) -> dict[str, Any]:
    return build_source_entry(Source(document["id"], (document["attributedTo"],), compute_digest_multibase(document), 10000))


async def test_a_signed_remote_work_is_verified_pinned_and_kept_verbatim(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    original = _signed(zoe, 1, license=BY)
    inbox.network.serve(original)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, original["id"])
    assert response.status_code == 201, response.text
    note, _ = await fetch_note(inbox.client, response.headers["location"])

    digest = compute_digest_multibase(original)
    assert note["fhit:sources"][0] == {
        "type": "fhit:Source", "object": original["id"], "attributedTo": zoe.actor_id,
        "digestMultibase": digest, "fhit:weight": 10000,
    }
    assert note["quote"] == original["id"]
    assert note["license"] == BY_SA  # the instance default satisfies CC BY
    row = await RemixSource.get(source_uri=original["id"])
    assert (row.link_state, row.licence, row.author_uris) == ("verified", BY, [zoe.actor_id])
    kept = await ChainDocument.get(digest_multibase=digest)
    assert kept.document_json == json.dumps(original)  # the bytes the origin served
    assert json.loads((await ChainKeyDocument.get(actor_uri=zoe.actor_id)).document_json) == zoe.document()
    assert await Delivery.filter(inbox_url="https://remote.example/inbox").count() == 1  # the credited creator receives it


async def test_a_remote_work_without_a_proof_is_attested(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    original = zoe.note(1)  # Mastodon's shape: no proof, no licence
    inbox.network.serve(original)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, original["id"])
    assert response.status_code == 201, response.text
    row = await RemixSource.get(source_uri=original["id"])
    assert (row.link_state, row.licence, row.digest_multibase) == ("attested", "", compute_digest_multibase(original))


async def test_a_remote_work_whose_proof_fails_is_refused(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    original = {**_signed(zoe, 1), "content": "<p>Changed after signing</p>"}
    inbox.network.serve(original)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, original["id"])
    assert response.status_code == 422
    assert response.json()["error"].startswith(
        f"Source {original['id']} cannot be remixed: tampered: proof does not verify:"
    )
    assert await Contribution.filter(local=True).count() == 0


async def test_a_remote_source_that_does_not_exist_or_is_gone_is_refused(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    tombstone = {"id": f"{zoe.actor_id}/statuses/9", "type": "Tombstone"}
    inbox.network.serve(tombstone)
    _, token = await person_with_token("ada", urls)
    missing = f"{zoe.actor_id}/statuses/404"
    response = await remix(inbox.client, "ada", token, missing)
    assert (response.status_code, response.json()) == (
        422, {"error": f"Source {missing} does not exist (its server answers HTTP 404)."}
    )
    response = await remix(inbox.client, "ada", token, tombstone["id"])
    assert (response.status_code, response.json()) == (
        422, {"error": f"Source {tombstone['id']} is gone (its server serves a Tombstone)."}
    )


async def test_a_remote_no_derivatives_work_is_refused_naming_its_licence(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    original = _signed(zoe, 1, license=BY_ND)
    inbox.network.serve(original)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, original["id"])
    assert response.status_code == 422
    assert response.json() == {"error": (
        f"This remix cannot be made: source {original['id']} is under CC BY-ND 4.0, which forbids derivatives "
        "(NoDerivatives)."
    )}


async def test_non_commercial_passes_on_to_the_remix(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    original = _signed(zoe, 1, license=BY_NC)
    inbox.network.serve(original)
    _, token = await person_with_token("ada", urls)
    refused = await remix(inbox.client, "ada", token, original["id"], license=BY)
    assert (refused.status_code, refused.json()) == (422, {"error": (
        f"This remix cannot be made: source {original['id']} is under CC BY-NC 4.0: a remix of NonCommercial "
        "material must be NonCommercial too, not CC BY 4.0."
    )})
    made = await remix(inbox.client, "ada", token, original["id"])
    note, _ = await fetch_note(inbox.client, made.headers["location"])
    assert note["license"] == BY_NC


async def test_a_quote_policy_that_names_others_only_refuses_the_remix(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    policy = {"canQuote": {"automaticApproval": [zoe.actor_id]}}
    original = _signed(zoe, 1, interactionPolicy=policy)
    inbox.network.serve(original)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, original["id"])
    assert (response.status_code, response.json()) == (403, {"error": (
        f"Source {original['id']} cannot be remixed by you: its author's quote policy (interactionPolicy "
        "canQuote) does not include you."
    )})


async def test_a_followers_quote_policy_admits_a_follower(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe = inbox.network.person("zoe")
    original = _signed(zoe, 1, interactionPolicy={"canQuote": {"automaticApproval": [zoe.followers]}})
    inbox.network.serve(original)
    ada, token = await person_with_token("ada", urls)
    assert (await remix(inbox.client, "ada", token, original["id"])).status_code == 403
    await inbox.follow(ada, await inbox.remote_actor(zoe))
    assert (await remix(inbox.client, "ada", token, original["id"])).status_code == 201


async def test_a_remote_remix_of_a_remix_keeps_the_ancestors_it_verified(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe, yan = inbox.network.person("zoe"), inbox.network.person("yan", "other.example")
    original = _signed(zoe, 1)
    middle = _signed(yan, 2, **{"fhit:sources": [_source_entry(original)], "fhit:upstreamShare": 5000})
    inbox.network.serve(original)
    inbox.network.serve(middle)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, middle["id"])
    assert response.status_code == 201, response.text
    kept = await ChainDocument.all().values_list("object_uri", flat=True)
    assert sorted(kept) == sorted([original["id"], middle["id"]])
    assert sorted(await ChainKeyDocument.all().values_list("actor_uri", flat=True)) == sorted([zoe.actor_id, yan.actor_id])


async def test_a_remote_remix_whose_ancestor_no_longer_matches_is_refused(inbox: InboxHarness, urls: InstanceUrls) -> None:
    zoe, yan = inbox.network.person("zoe"), inbox.network.person("yan", "other.example")
    original = _signed(zoe, 1)
    middle = _signed(yan, 2, **{"fhit:sources": [_source_entry(original)]})
    inbox.network.serve(_signed(zoe, 1, content="<p>Edited since</p>"))  # only the new version is served
    inbox.network.serve(middle)
    _, token = await person_with_token("ada", urls)
    response = await remix(inbox.client, "ada", token, middle["id"])
    assert response.status_code == 422
    assert response.json()["error"] == (
        f"Source {middle['id']} builds on {original['id']}, whose link cannot be checked "
        "(unavailable: no copy of the pinned version was found)."
    )
