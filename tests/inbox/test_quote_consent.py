"""Quote consent (FEP-044f) in both directions, in process: Alice is local; Zoe is on Mastodon's
test host (example.com) and Mallory on the same server, so only the handlers' own guards stand
between Mallory and Zoe's requests. Deliveries are read from the outgoing activity rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.federation.quote_approvals import approve_quote_request, revoke_quote_authorization
from fediverse_hit.federation.quote_requests import request_quote_consent
from fediverse_hit.federation.contribution_documents import publish_version
from fediverse_hit.federation.publishing import publish_contribution
from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.store.models import Actor, Contribution, OutgoingActivity, QuoteRequest, RemixSource
from fediverse_hit.store.notifications import list_notifications
from tests.inbox_harness import InboxHarness, RemotePerson

pytestmark = pytest.mark.anyio

FIXTURE = Path(__file__).parent.parent / "fixtures" / "mastodon" / "mastodon-quote-request.json"
DIGEST = "zQmWvQxTqbG2Z9HPJgG57jjwR154cKhbtJenbyYTWkjgF3e"


@dataclass
class World:
    alice: Actor
    zoe: RemotePerson
    mallory: RemotePerson
    zoe_here: Actor


@pytest.fixture
async def world(inbox: InboxHarness) -> World:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe", host="example.com")
    mallory = inbox.network.person("mallory", host="example.com")
    return World(alice, zoe, mallory, await inbox.remote_actor(zoe))


async def _work(author: Actor, inbox: InboxHarness, quote_policy: str = "") -> Contribution:
    draft = Draft(title="Night song", source="A melody for the night.", quote_policy=quote_policy)
    return await publish_contribution(author, draft, inbox.fetcher)


def _mastodon_request(quoted: str, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text().replace("QUOTED_URI", quoted))
    document.update(changes)
    return document


async def _sent() -> list[dict[str, Any]]:
    return [json.loads(row.body) for row in await OutgoingActivity.all().order_by("id")]


async def _get_json(inbox: InboxHarness, iri: str) -> tuple[int, dict[str, Any]]:
    response = await inbox.client.get(iri.removeprefix(inbox.urls.base), headers={"Accept": "application/activity+json"})
    return response.status_code, response.json()


# The quoted side: answering requests to quote Alice's works


async def test_mastodon_quote_request_of_a_work_open_to_anyone_is_accepted_with_a_stamp(
    inbox: InboxHarness, world: World
) -> None:
    work = await _work(world.alice, inbox)
    await inbox.deliver(_mastodon_request(work.uri), world.zoe)
    accept = (await _sent())[-1]
    assert accept["type"] == "Accept"
    assert accept["actor"] == world.alice.uri
    assert accept["object"]["id"] == "https://example.com/missing-ui"
    assert accept["object"]["instrument"] == "https://example.com/unknown-status"
    request = await QuoteRequest.get(uri="https://example.com/missing-ui")
    assert accept["result"] == request.authorization_uri == inbox.urls.quote_authorization(str(work.local_id), request.id)


async def test_the_stamp_names_the_quote_the_work_and_its_author(inbox: InboxHarness, world: World) -> None:
    work = await _work(world.alice, inbox)
    await inbox.deliver(_mastodon_request(work.uri), world.zoe)
    stamp = (await _sent())[-1]["result"]
    status, document = await _get_json(inbox, stamp)
    assert status == 200
    assert document["type"] == "QuoteAuthorization"
    assert document["id"] == stamp
    assert document["attributedTo"] == world.alice.uri
    assert document["interactingObject"] == "https://example.com/unknown-status"
    assert document["interactionTarget"] == work.uri


async def test_a_request_to_quote_a_followers_policy_work_by_a_stranger_is_rejected(
    inbox: InboxHarness, world: World
) -> None:
    work = await _work(world.alice, inbox, quote_policy="followers")
    await inbox.deliver(_mastodon_request(work.uri), world.zoe)
    reject = (await _sent())[-1]
    assert (reject["type"], reject["object"]["id"]) == ("Reject", "https://example.com/missing-ui")
    assert "result" not in reject


async def test_a_request_to_quote_a_followers_policy_work_by_a_follower_is_accepted(
    inbox: InboxHarness, world: World
) -> None:
    work = await _work(world.alice, inbox, quote_policy="followers")
    await inbox.follow(world.zoe_here, world.alice)
    await inbox.deliver(_mastodon_request(work.uri), world.zoe)
    assert (await _sent())[-1]["type"] == "Accept"


async def test_by_hand_a_request_waits_notifies_and_is_accepted_when_approved(inbox: InboxHarness, world: World) -> None:
    work = await _work(world.alice, inbox, quote_policy="manual")
    before = len(await _sent())
    await inbox.deliver(_mastodon_request(work.uri), world.zoe)
    assert len(await _sent()) == before  # no answer yet
    notes = await list_notifications(world.alice, before_id=None, limit=10)
    assert [n.kind for n in notes] == ["quote_request"]
    request = await QuoteRequest.get(uri="https://example.com/missing-ui")
    assert request.state == "pending"
    await approve_quote_request(world.alice, request.id, inbox.urls)
    accept = (await _sent())[-1]
    assert (accept["type"], accept["object"]["id"]) == ("Accept", request.uri)
    assert await list_notifications(world.alice, before_id=None, limit=10) == []


async def test_revoking_deletes_the_stamp_for_the_quoting_author_and_it_answers_410(
    inbox: InboxHarness, world: World
) -> None:
    work = await _work(world.alice, inbox)
    await inbox.deliver(_mastodon_request(work.uri), world.zoe)
    request = await QuoteRequest.get(uri="https://example.com/missing-ui")
    await revoke_quote_authorization(world.alice, request.id, inbox.urls)
    delete = (await _sent())[-1]
    assert (delete["type"], delete["object"], delete["to"]) == ("Delete", request.authorization_uri, [world.zoe.actor_id])
    status, _ = await _get_json(inbox, str(request.authorization_uri))
    assert status == 410


async def test_a_request_whose_id_is_not_on_the_requesters_server_gets_no_answer(
    inbox: InboxHarness, world: World
) -> None:
    work = await _work(world.alice, inbox)
    before = len(await _sent())
    forged = _mastodon_request(work.uri, id="https://example.com/missing-ui")
    forged["instrument"] = "https://elsewhere.example/statuses/1"
    await inbox.deliver(forged, world.zoe)
    assert len(await _sent()) == before
    assert await QuoteRequest.filter(outgoing=False).count() == 0


async def test_a_request_for_a_post_by_someone_else_gets_no_answer(inbox: InboxHarness, world: World) -> None:
    work = await _work(world.alice, inbox)
    before = len(await _sent())
    await inbox.deliver(_mastodon_request(work.uri, actor=world.mallory.actor_id, id=f"{world.mallory.actor_id}/q/1"), world.mallory)
    assert len(await _sent()) == before


# What our Notes advertise


async def test_notes_advertise_the_works_quote_policy(inbox: InboxHarness, world: World) -> None:
    anyone = await publish_version(await _work(world.alice, inbox), inbox.urls)
    assert anyone["interactionPolicy"] == {"canQuote": {"automaticApproval": [PUBLIC_COLLECTION]}}
    manual = await publish_version(await _work(world.alice, inbox, quote_policy="manual"), inbox.urls)
    assert manual["interactionPolicy"] == {
        "canQuote": {"automaticApproval": [world.alice.uri], "manualApproval": [PUBLIC_COLLECTION]}
    }
    followers = await publish_version(await _work(world.alice, inbox, quote_policy="followers"), inbox.urls)
    assert followers["interactionPolicy"]["canQuote"]["automaticApproval"] == [f"{world.alice.uri}/followers", world.alice.uri]


# The quoting side: Alice's remix of Zoe's note asks Zoe


async def _remix_of_zoe(inbox: InboxHarness, world: World) -> Contribution:
    await inbox.follow(world.zoe_here, world.alice)  # so Alice's Updates reach example.com
    remix = await _work(world.alice, inbox)
    remix.upstream_share = 5000
    await remix.save(update_fields=["upstream_share"])
    await RemixSource.create(
        remix=remix, position=0, source_uri=f"{world.zoe.actor_id}/statuses/1", author_uris=[world.zoe.actor_id],
        digest_multibase=DIGEST, weight=10000, link_state="attested",
    )
    return remix


async def _asked(inbox: InboxHarness, world: World) -> tuple[Contribution, dict[str, Any]]:
    remix = await _remix_of_zoe(inbox, world)
    await request_quote_consent(remix, inbox.fetcher)
    return remix, (await _sent())[-1]


def _zoe_answers(world: World, kind: str, request_id: str, **fields: Any) -> dict[str, Any]:
    # Mastodon's AcceptQuoteRequestSerializer: id `<actor>#accepts/quote_requests/<n>`.
    return {**world.zoe.activity(kind, request_id), "id": f"{world.zoe.actor_id}#accepts/quote_requests/7", **fields}


async def test_a_remix_asks_its_primary_sources_author_with_a_quote_request(inbox: InboxHarness, world: World) -> None:
    remix, sent = await _asked(inbox, world)
    assert sent["type"] == "QuoteRequest"
    assert sent["actor"] == world.alice.uri
    assert sent["object"] == f"{world.zoe.actor_id}/statuses/1"
    assert sent["instrument"]["id"] == remix.uri
    assert inbox.urls.is_local(sent["id"])
    row = await OutgoingActivity.get(activity_id=sent["id"])
    assert [d.inbox_url for d in await row.deliveries.all()] == [f"{world.zoe.actor_id}/inbox"]  # type: ignore[attr-defined]
    await request_quote_consent(remix, inbox.fetcher)  # asked once while pending
    assert await QuoteRequest.filter(outgoing=True).count() == 1


async def test_an_accept_matched_by_the_request_id_alone_stamps_the_remix_and_updates_it(
    inbox: InboxHarness, world: World
) -> None:
    remix, sent = await _asked(inbox, world)
    stamp = "https://example.com/users/zoe/quote_authorizations/7"
    await inbox.deliver(_zoe_answers(world, "Accept", sent["id"], result=stamp), world.zoe)
    await remix.refresh_from_db()
    assert (remix.quote_authorization_uri, remix.version) == (stamp, 2)
    update = (await _sent())[-1]
    assert update["type"] == "Update"
    assert update["object"]["quoteAuthorization"] == stamp
    assert (await QuoteRequest.get(uri=sent["id"])).state == "accepted"


async def test_an_accept_by_someone_other_than_the_sources_author_changes_nothing(
    inbox: InboxHarness, world: World
) -> None:
    remix, sent = await _asked(inbox, world)
    accept = {**world.mallory.activity("Accept", sent["id"]), "result": "https://example.com/stamps/1"}
    await inbox.deliver(accept, world.mallory)
    await remix.refresh_from_db()
    assert (remix.quote_authorization_uri, remix.version) == (None, 1)


async def test_an_accept_whose_stamp_is_on_another_server_changes_nothing(inbox: InboxHarness, world: World) -> None:
    remix, sent = await _asked(inbox, world)
    await inbox.deliver(_zoe_answers(world, "Accept", sent["id"], result="https://elsewhere.example/stamps/1"), world.zoe)
    await remix.refresh_from_db()
    assert (remix.quote_authorization_uri, remix.version) == (None, 1)


async def test_a_reject_is_recorded_and_the_remix_page_says_so(inbox: InboxHarness, world: World) -> None:
    remix, sent = await _asked(inbox, world)
    page = await inbox.client.get(f"/contributions/{remix.local_id}")
    assert "Waiting for @zoe@example.com to approve this remix" in page.text
    await inbox.deliver(_zoe_answers(world, "Reject", sent["id"]), world.zoe)
    assert (await QuoteRequest.get(uri=sent["id"])).state == "rejected"
    page = await inbox.client.get(f"/contributions/{remix.local_id}")
    assert "@zoe@example.com declined to have this remix quote their work" in page.text


async def test_a_delete_of_the_stamp_revokes_the_approval(inbox: InboxHarness, world: World) -> None:
    remix, sent = await _asked(inbox, world)
    stamp = "https://example.com/users/zoe/quote_authorizations/7"
    await inbox.deliver(_zoe_answers(world, "Accept", sent["id"], result=stamp), world.zoe)
    await inbox.deliver(world.zoe.activity("Delete", stamp, suffix="stamp"), world.zoe)
    await remix.refresh_from_db()
    assert (remix.quote_authorization_uri, remix.version) == (None, 3)
    assert (await QuoteRequest.get(uri=sent["id"])).state == "revoked"
    assert "quoteAuthorization" not in (await _sent())[-1]["object"]


# Both sides here: a remix of a local work


async def test_a_remix_of_a_local_work_approved_by_hand_gets_its_stamp(inbox: InboxHarness, world: World) -> None:
    bob = await inbox.local_person("bob")
    work = await _work(world.alice, inbox, quote_policy="manual")
    remix = await _work(bob, inbox)
    await RemixSource.create(
        remix=remix, position=0, source_uri=work.uri, source=work, author_uris=[world.alice.uri],
        digest_multibase=DIGEST, weight=10000, link_state="verified",
    )
    await request_quote_consent(remix, inbox.fetcher)
    request = await QuoteRequest.get(quote=remix)
    assert request.state == "pending"
    await approve_quote_request(world.alice, request.id, inbox.urls)
    await remix.refresh_from_db()
    assert remix.quote_authorization_uri == inbox.urls.quote_authorization(str(work.local_id), request.id)
    status, stamp = await _get_json(inbox, remix.quote_authorization_uri)
    assert (status, stamp["interactingObject"], stamp["attributedTo"]) == (200, remix.uri, world.alice.uri)
