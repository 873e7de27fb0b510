"""Inbound payment statements (DESIGN §7 Payments), in process: a project on a.example pays Bob
(here), Carol (c.example) and its curator. A statement is recorded once per local contributor,
keeps its proof verifiable offline, and anything not provably the project's records nothing.
Each refusal is asserted by the line the handler logs for it (its reason), and by what was fetched."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from fediverse_hit.protocol.integrity_proofs import create_proof
from fediverse_hit.protocol.payment_documents import PaymentKind, PaymentTerms, build_payment_document
from fediverse_hit.protocol.payments import Earning
from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.accounts import delete_account
from fediverse_hit.services.ledger import check_kept_statement, format_earnings_csv, list_earnings
from fediverse_hit.store.models import Account, Actor, InboxItem, LedgerEntry, Notification, SignedStatement
from tests.inbox_harness import InboxHarness, RemotePerson, ed25519_key

pytestmark = pytest.mark.anyio

CAROL = "https://c.example/users/carol"
HANDLER_LOG = "fediverse_hit.federation.handlers.payment_statement"
STATEMENT = "https://a.example/users/nightsongs/payments/1/statement"


@dataclass
class World:
    bob: Actor
    project: RemotePerson
    curator: str


@pytest.fixture
async def world(inbox: InboxHarness) -> World:
    bob = await inbox.local_person("bob")
    project = inbox.network.person("nightsongs", host="a.example")
    inbox.network.serve({**project.document(), "type": "Group", "name": "Night Songs"})
    return World(bob, project, "https://a.example/users/curator")


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """The refusal lines the payment-statement handler logged, formatted as an operator reads them."""
    caplog.set_level(logging.INFO, logger=HANDLER_LOG)
    return lambda: [record.getMessage() for record in caplog.records if record.name == HANDLER_LOG]


def terms(world: World, *, amount: int = 10_000) -> PaymentTerms:
    return PaymentTerms(
        project=world.project.actor_id,
        work="https://a.example/contributions/7",
        earning=Earning(amount, 1_000, "EUR"),
        earning_note="Bandcamp sales",
        earned_on=date(2026, 2, 28),
        pool_share=5000,
        shares={world.curator: Fraction(1, 2), world.bob.uri: Fraction(3, 8), CAROL: Fraction(1, 8)},
    )


def statement(world: World, *, statement_id: str | None = None, amount: int = 10_000) -> dict[str, Any]:
    document = build_payment_document(
        PaymentKind.STATEMENT,
        statement_id or f"{world.project.actor_id}/payments/1/statement",
        terms(world, amount=amount),
        published="2026-03-01T12:00:00Z",
        proposal=f"{world.project.actor_id}/payments/1",
    )
    return world.project.prove(document)


async def deliver(inbox: InboxHarness, sender: RemotePerson, document: dict[str, Any], suffix: str = "1") -> None:
    await inbox.deliver(sender.create(document, suffix), sender)


async def test_statement_is_recorded_once_per_local_contributor(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    signed = statement(world)
    await deliver(inbox, world.project, signed, "1")
    await deliver(inbox, world.project, signed, "2")  # delivered twice (a retry with a new activity id)
    entries = await LedgerEntry.all().prefetch_related("person", "statement")
    assert [(entry.person.uri, entry.amount, entry.currency) for entry in entries] == [(world.bob.uri, 1688, "EUR")]
    assert await SignedStatement.all().count() == 1
    notifications = await Notification.filter(recipient=world.bob, kind=NotificationKind.PAYMENT).count()
    assert notifications == 1
    assert refusals() == []
    # The project was fetched once, for the key of the first delivery: its stored copy is trusted after that.
    assert inbox.network.fetched("a.example") == [world.project.actor_id]


async def test_statement_created_by_reference_is_fetched_and_kept_as_served(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    signed = statement(world)
    inbox.network.serve(signed)
    await inbox.deliver(world.project.create(signed["id"], to=signed["to"]), world.project)
    entries = await LedgerEntry.all().prefetch_related("person")
    assert [(entry.person.uri, entry.amount) for entry in entries] == [(world.bob.uri, 1688)]
    kept = await SignedStatement.get()
    assert kept.statement_json == json.dumps(signed)  # the bytes its proof was checked over
    assert check_kept_statement(kept) is None
    assert refusals() == []


async def test_statement_paying_only_a_deleted_account_here_records_nothing_and_fetches_nothing(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    await delete_account(await Account.get(actor_id=world.bob.id))
    await deliver(inbox, world.project, statement(world))
    assert await SignedStatement.all().count() == 0
    assert await Notification.all().count() == 0
    assert refusals() == []  # nobody here is paid: not refused, just not ours to keep
    assert inbox.network.fetched("a.example") == [world.project.actor_id]  # the key, at the inbox


async def test_earnings_list_and_csv(inbox: InboxHarness, world: World) -> None:
    await deliver(inbox, world.project, statement(world))
    lines = await list_earnings(world.bob)
    assert format_earnings_csv(lines) == (
        "date,project,work,amount,currency,statement\r\n"
        f"2026-03-01,{world.project.actor_id},https://a.example/contributions/7,1688,EUR,"
        f"{world.project.actor_id}/payments/1/statement\r\n"
    )
    assert lines[0].project_name == "Night Songs"


async def test_kept_statement_verifies_after_the_project_server_is_gone(inbox: InboxHarness, world: World) -> None:
    await deliver(inbox, world.project, statement(world))
    inbox.network.documents.clear()  # a.example is gone
    inbox.network.requests.clear()
    kept = await SignedStatement.get()
    assert check_kept_statement(kept) is None
    assert inbox.network.requests == []


async def test_statement_signed_by_another_key_leaves_no_entry(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    # Tried: the project's key id on a proof made with someone else's key.
    unsigned = {key: value for key, value in statement(world).items() if key != "proof"}
    forged = create_proof(unsigned, ed25519_key("someone else").private_pem, world.project.ed25519_key_id)
    await deliver(inbox, world.project, forged)
    assert await LedgerEntry.all().count() == 0
    assert refusals() == [
        f"statement {STATEMENT} refused: proof refused: signature does not match "
        "(document or proof altered, or wrong key)"
    ]
    # Refused with the stored project, then once more with it fetched again (it may have a new key).
    assert inbox.network.fetched("a.example") == [world.project.actor_id] * 2


async def test_statement_proved_with_a_key_the_project_added_since_is_recorded(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    # The project is stored here from before it had its Ed25519 key; the statement's proof uses that key.
    without_key = {**world.project.document(), "type": "Group", "name": "Night Songs", "assertionMethod": []}
    inbox.network.serve(without_key)
    await inbox.remote_actor(world.project)
    inbox.network.serve({**world.project.document(), "type": "Group", "name": "Night Songs"})
    await deliver(inbox, world.project, statement(world))
    assert [entry.amount for entry in await LedgerEntry.all()] == [1688]
    assert refusals() == []
    # fetched to store it beforehand, then once more when the proof failed with that copy
    assert inbox.network.fetched("a.example") == [world.project.actor_id] * 2


async def test_statement_of_an_actor_that_is_no_project_leaves_no_entry(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    # Tried: a Person (not a Group) stating payments in its own name, with its own valid proof.
    inbox.network.serve({**world.project.document(), "type": "Person"})
    await deliver(inbox, world.project, statement(world))
    assert await LedgerEntry.all().count() == 0
    assert refusals() == [f"statement {STATEMENT} refused: {world.project.actor_id} is not a project (a Group actor)"]
    # Not a proof failure, so fetching the project again could not change the verdict.
    assert inbox.network.fetched("a.example") == [world.project.actor_id]


async def test_statement_on_another_scheme_of_the_projects_host_leaves_no_entry(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    # Tried: a statement id on http:// of the project's host: the inbox's same-host check lets it
    # through, the statement's same-origin rule (scheme and authority) does not.
    plain = "http://a.example/users/nightsongs/payments/1/statement"
    await deliver(inbox, world.project, statement(world, statement_id=plain))
    assert await LedgerEntry.all().count() == 0
    assert refusals() == [
        f"statement {plain} refused: statement {plain} is not on the origin of its project {world.project.actor_id}"
    ]
    assert inbox.network.fetched("a.example") == [world.project.actor_id]


async def test_statement_on_another_origin_leaves_no_entry(inbox: InboxHarness, world: World) -> None:
    # The project's own proof, over a statement whose id is on another server.
    moved = statement(world, statement_id="https://elsewhere.example/statements/1")
    response = await inbox.post(world.project.create(moved), world.project)
    assert (response.status_code, response.json()) == (403, {"error": "The object is not on the actor's server."})
    await inbox.process()
    assert await LedgerEntry.all().count() == 0


async def test_statement_relayed_by_someone_else_leaves_no_entry(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    # Tried: the project's genuine statement, sent by another account of the same server.
    mallory = inbox.network.person("mallory", host="a.example")
    await deliver(inbox, mallory, statement(world))
    assert await LedgerEntry.all().count() == 0
    assert refusals() == [f"statement {STATEMENT} refused: sent by {mallory.actor_id}, not by its project"]


async def test_replayed_statement_id_with_other_lines_changes_nothing(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    await deliver(inbox, world.project, statement(world))
    await deliver(inbox, world.project, statement(world, amount=90_000), "2")
    entries = await LedgerEntry.all()
    assert [entry.amount for entry in entries] == [1688]
    kept = await SignedStatement.get()
    assert '"fhit:amount":10000' in kept.statement_json.replace(" ", "")
    assert refusals() == [
        f"statement {STATEMENT} refused: statement {STATEMENT} was recorded before with other lines; "
        "a correction is a new statement"
    ]


async def test_statement_with_lines_not_following_from_its_credits_leaves_no_entry(
    inbox: InboxHarness, world: World, refusals: Callable[[], list[str]]
) -> None:
    unsigned = {key: value for key, value in statement(world).items() if key != "proof"}
    unsigned["fhit:lines"] = [{"type": "fhit:PaymentLine", "actor": world.bob.uri, "fhit:amount": 4500}]
    await deliver(inbox, world.project, world.project.prove(unsigned))
    assert await LedgerEntry.all().count() == 0
    item = await InboxItem.get()
    assert item.state == "done"  # refused for good, not retried
    assert refusals() == [
        f"statement {STATEMENT} refused: fhit:lines do not follow from the credits, pool and adjustments stated"
    ]
