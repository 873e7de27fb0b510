"""A project's payments on the in-process instance (issue 17 items 6 and 8): a curator records an
earning, the proposal is computed from the work's credits and signed by the project; lines are
adjusted with a reason; it is finalized once, after the window, and the local contributors'
ledgers get their lines. Every refusal is tried and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.integrity_proofs import verify_proof
from fediverse_hit.protocol.payment_documents import PaymentKind, parse_payment_document
from fediverse_hit.protocol.statement_verification import verify_payment_statement
from fediverse_hit.store.models import (
    Actor,
    Contribution,
    LedgerEntry,
    PaymentAdjustment,
    PaymentComment,
    PaymentProposal,
    ProjectEarning,
    SentStatement,
)
from tests.inbox_harness import InboxHarness
from tests.projects.payment_steps import ADA, ALICE, BO, HAND_LINES, H, form_post, paid_world, record_as
from tests.remix_steps import AS2, ed25519_public_key

pytestmark = pytest.mark.anyio


async def _as2(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.get(url, headers={"Accept": AS2})
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def _lines(document: dict[str, Any]) -> dict[str, int]:
    return {line["actor"]: line["fhit:amount"] for line in document["fhit:lines"]}


async def test_an_earning_opens_a_proposal_signed_by_the_project_with_the_hand_computed_lines(
    inbox: InboxHarness, urls: InstanceUrls
) -> None:
    world = await paid_world(inbox.client, urls, comment_days=14)
    response = await record_as(inbox.client, "alice", world.work)
    assert response.status_code == 303, response.text
    proposal_url = response.headers["location"]
    assert proposal_url == f"{H}/projects/mural/payments/{(await PaymentProposal.get()).id}"
    document = await _as2(inbox.client, proposal_url)
    assert document["type"] == "fhit:PaymentProposal"
    assert document["fhit:pool"] == 5000 and document["fhit:currency"] == "EUR"
    assert _lines(document) == HAND_LINES
    assert sorted(document["to"]) == sorted(HAND_LINES)
    assert parse_payment_document(document, PaymentKind.PROPOSAL).lines == HAND_LINES
    group: Actor = world.project.actor
    key, method = await ed25519_public_key(group), f"{group.uri}#ed25519-key"
    assert verify_proof(document, lambda wanted: key if wanted == method else None).verification_method == method
    page = await inbox.client.get(proposal_url, headers={"Accept": "text/html"})
    assert "Open for comments" in page.text and "19.50 EUR" in page.text and "50.00 EUR" in page.text


async def test_someone_who_does_not_curate_the_project_cannot_record_an_earning(
    inbox: InboxHarness, urls: InstanceUrls
) -> None:
    # Tried: Ada, a contributor but not a curator, posts the curators' earning form.
    world = await paid_world(inbox.client, urls)
    response = await record_as(inbox.client, "ada", world.work)
    assert response.status_code == 403
    assert await ProjectEarning.all().count() == 0 and await PaymentProposal.all().count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "-5"}, "amount must not be negative"),
        ({"amount": "12.50"}, "The amount must be a whole number of minor units"),
        ({"amount": "1000000000001"}, "amount must be at most 1,000,000,000,000 minor units"),
        ({"costs": "-1"}, "costs must not be negative"),
        ({"currency": "XYZ"}, "XYZ is not an ISO 4217 currency we accept"),
        ({"currency": "eur"}, "currency must be a three-letter ISO 4217 code in capitals"),
    ],
)
async def test_bad_earnings_are_refused_with_a_clear_message_and_nothing_recorded(
    inbox: InboxHarness, urls: InstanceUrls, fields: dict[str, str], message: str
) -> None:
    # Tried: negative, fractional and absurd amounts, negative costs, an unknown currency.
    world = await paid_world(inbox.client, urls)
    response = await record_as(inbox.client, "alice", world.work, **fields)
    assert response.status_code == 422
    assert message in response.text
    assert await ProjectEarning.all().count() == 0 and await PaymentProposal.all().count() == 0


async def test_an_adjustment_moves_an_amount_with_its_reason_in_the_public_log(inbox: InboxHarness, urls: InstanceUrls) -> None:
    world = await paid_world(inbox.client, urls, comment_days=14)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    path = proposal_url.removeprefix(H)
    moved = await form_post(inbox.client, path, f"{path}/adjust",
                            {"source": ALICE, "target": BO, "amount": "500", "reason": "Bo mixed the final track"})
    assert moved.status_code == 303, moved.text
    document = await _as2(inbox.client, proposal_url)
    assert _lines(document) == {ALICE: 1500, ADA: 1950, BO: 1550}
    assert sum(_lines(document).values()) == document["fhit:pool"]
    assert document["fhit:adjustments"] == [{"type": "fhit:Adjustment", "fhit:from": ALICE, "fhit:to": BO,
                                             "fhit:amount": 500, "summary": "Bo mixed the final track"}]
    assert "updated" in document
    page = await inbox.client.get(path, headers={"Accept": "text/html"})
    assert "Reason: Bo mixed the final track" in page.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "1051", "source": BO, "target": ADA}, "whose line is 1050"),
        ({"amount": "10", "reason": " "}, "needs a reason"),
        ({"amount": "-10"}, "whole number of minor units"),
        ({"amount": "10", "target": f"{H}/users/nobody"}, "between the lines of credited contributors"),
    ],
)
async def test_bad_adjustments_are_refused_and_change_nothing(
    inbox: InboxHarness, urls: InstanceUrls, fields: dict[str, str], message: str
) -> None:
    # Tried: a line taken below zero, no reason, a negative amount, an actor the credits do not name.
    world = await paid_world(inbox.client, urls, comment_days=14)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    path = proposal_url.removeprefix(H)
    values = {"source": ALICE, "target": BO, "reason": "a reason", **fields}
    response = await form_post(inbox.client, path, f"{path}/adjust", values)
    assert response.status_code == 422 and message in response.text
    assert await PaymentAdjustment.all().count() == 0
    assert _lines(await _as2(inbox.client, proposal_url)) == HAND_LINES


async def test_a_non_curator_cannot_adjust_or_finalize(inbox: InboxHarness, urls: InstanceUrls) -> None:
    # Tried: Bo, paid by the proposal but no curator, moves money to himself, then finalizes.
    world = await paid_world(inbox.client, urls)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    path = proposal_url.removeprefix(H)
    inbox.client.cookies.clear()  # Alice's session ends
    await record_as(inbox.client, "bo", world.work)  # logs Bo in (his own earning is refused: 403)
    moved = await form_post(inbox.client, path, f"{path}/adjust",
                            {"source": ALICE, "target": BO, "amount": "500", "reason": "I deserve it"})
    assert moved.status_code == 403
    final = await form_post(inbox.client, path, f"{path}/finalize", {})
    assert final.status_code == 403
    proposal = await PaymentProposal.get()
    assert proposal.status == "open" and await PaymentAdjustment.all().count() == 0
    assert await SentStatement.all().count() == 0


async def test_finalizing_inside_the_comment_window_is_refused(inbox: InboxHarness, urls: InstanceUrls) -> None:
    world = await paid_world(inbox.client, urls, comment_days=14)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    path = proposal_url.removeprefix(H)
    response = await form_post(inbox.client, path, f"{path}/finalize", {})
    assert response.status_code == 409 and "comment window is open until" in response.text
    assert (await PaymentProposal.get()).status == "open"
    assert await SentStatement.all().count() == 0 and await LedgerEntry.all().count() == 0


async def test_finalizing_sends_one_signed_statement_and_fills_local_ledgers_once(inbox: InboxHarness, urls: InstanceUrls) -> None:
    world = await paid_world(inbox.client, urls, comment_days=0)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    path = proposal_url.removeprefix(H)
    assert (await form_post(inbox.client, path, f"{path}/finalize", {})).status_code == 303
    statement = await _as2(inbox.client, f"{proposal_url}/statement")
    group = await _as2(inbox.client, world.project.actor.uri)
    verified = verify_payment_statement(statement, {group["id"]: group}.get)
    assert verified.lines == HAND_LINES and verified.proposal == proposal_url
    assert statement["fhit:credits"]["id"].startswith(f"{H}/projects/mural/credits/")
    entries = {entry.person.uri: entry.amount for entry in await LedgerEntry.all().prefetch_related("person")}
    assert entries == HAND_LINES
    again = await form_post(inbox.client, path, f"{path}/finalize", {})
    assert again.status_code == 409 and "finalized already" in again.text
    assert await SentStatement.all().count() == 1 and await LedgerEntry.all().count() == 3
    page = await inbox.client.get(path, headers={"Accept": "text/html"})
    assert "Final" in page.text


async def test_a_reply_from_another_server_is_a_comment_shown_on_the_proposal(inbox: InboxHarness, urls: InstanceUrls) -> None:
    world = await paid_world(inbox.client, urls, comment_days=14)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    zoe = inbox.network.person("zoe", "elsewhere.example")
    note = zoe.note(1, content="<p>Why does Bo get less than Ada?</p><script>x()</script>",
                    inReplyTo=proposal_url, to=[world.project.actor.uri], cc=[])
    await inbox.deliver(zoe.create(note), zoe)
    await inbox.deliver(zoe.create(note, suffix="2"), zoe)  # the same note again: kept once
    page = await inbox.client.get(proposal_url.removeprefix(H), headers={"Accept": "text/html"})
    assert "Why does Bo get less than Ada?" in page.text and "x()" not in page.text
    assert await PaymentComment.all().count() == 1


async def test_a_reply_by_someone_else_than_its_sender_is_not_a_comment(inbox: InboxHarness, urls: InstanceUrls) -> None:
    # Tried: Zoe's server relays a note it says Yan wrote (attributedTo another actor than the sender).
    world = await paid_world(inbox.client, urls, comment_days=14)
    proposal_url = (await record_as(inbox.client, "alice", world.work)).headers["location"]
    zoe, yan = inbox.network.person("zoe", "elsewhere.example"), inbox.network.person("yan", "elsewhere.example")
    note = yan.note(1, content="<p>Forged</p>", inReplyTo=proposal_url, to=[world.project.actor.uri], cc=[])
    await inbox.deliver(zoe.create(note), zoe)
    assert await PaymentComment.all().count() == 0


async def test_a_proposal_or_announced_comment_from_another_project_is_taken_without_failing(
    inbox: InboxHarness, urls: InstanceUrls
) -> None:
    # Tried: what a contributor's server receives from a project elsewhere — the proposal's Create
    # and the project's Announce of a comment on it. Both are processed (not retried forever);
    # neither becomes a contribution or a ledger entry.
    await inbox.local_person("bo")
    group = inbox.network.person("mural", "projects.example")
    proposal = {"id": f"{group.actor_id}/payments/1", "type": "fhit:PaymentProposal", "attributedTo": group.actor_id,
                "to": [f"{H}/users/bo"], "fhit:lines": [{"type": "fhit:PaymentLine", "actor": f"{H}/users/bo", "fhit:amount": 5}]}
    await inbox.deliver(group.create(proposal), group)
    comment = group.note(2, inReplyTo=proposal["id"], to=[f"{H}/users/bo"], cc=[])
    await inbox.deliver(group.activity("Announce", comment, "3", to=[f"{H}/users/bo"]), group)
    assert await Contribution.filter(uri=proposal["id"]).count() == 0
    assert await LedgerEntry.all().count() == 0
