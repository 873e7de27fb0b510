"""A payment statement from an independent project server reaches a real instance (DESIGN §7):
the peer is a `Group` with its own keys, signs the statement (eddsa-jcs-2022) and POSTs the Create
with an HTTP signature; `fediverse-hit earnings` then shows exactly one line, however often the
statement arrives, and nothing for a statement signed by another key."""

from __future__ import annotations

import time
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from fediverse_hit.protocol.integrity_proofs import create_proof
from fediverse_hit.protocol.keys import generate_ed25519_key, load_public_key_pem, public_key_to_multibase
from fediverse_hit.protocol.payment_documents import PaymentKind, PaymentTerms, build_payment_document
from fediverse_hit.protocol.payments import Earning
from tests.instances import Instance, InstanceFactory, free_port
from tests.peer import Peer, running_peer

pytestmark = pytest.mark.federation
POLL_SECONDS = 30.0


class ProjectPeer(Peer):
    """The peer as a project: a Group whose Ed25519 key is in its `assertionMethod`."""

    def actor_document(self) -> dict[str, Any]:
        return {
            **super().actor_document(),
            "type": "Group",
            "name": "Night Songs",
            "assertionMethod": [{
                "id": self.ed25519_key_id,
                "type": "Multikey",
                "controller": self.actor_id,
                "publicKeyMultibase": public_key_to_multibase(load_public_key_pem(self.ed25519.public_pem)),
            }],
        }


def statement(project: ProjectPeer, bob: str, number: int, private_pem: str | None = None) -> dict[str, Any]:
    terms = PaymentTerms(
        project=project.actor_id,
        work=f"{project.base}/works/1",
        earning=Earning(12_345, 345, "EUR"),
        earning_note="Festival fee",
        earned_on=date(2026, 4, 1),
        pool_share=5000,
        shares={project.actor_id: Fraction(2, 3), bob: Fraction(1, 3)},
    )
    statement_id = f"{project.base}/payments/{number}/statement"
    document = build_payment_document(
        PaymentKind.STATEMENT, statement_id, terms, published="2026-04-02T09:00:00Z", proposal=f"{project.base}/payments/{number}"
    )
    return create_proof(document, private_pem or project.ed25519.private_pem, project.ed25519_key_id)


def send(project: ProjectPeer, instance: Instance, document: dict[str, Any], activity: str) -> None:
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{project.base}/activities/{activity}",
        "type": "Create",
        "actor": project.actor_id,
        "object": document,
        "to": document["to"],
    }
    response = project.signed_post(instance.url("/inbox"), create)
    assert response.status_code == 202, response.text


def wait_for_lines(instance: Instance, count: int) -> list[str]:
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        lines = instance.cli("earnings", "bob").stdout.splitlines()
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.5)


def test_statement_from_an_independent_project_is_recorded_once(instances: InstanceFactory) -> None:
    (b,) = instances.start(1)
    b.cli("user", "create", "bob", "--password", "correct horse battery")
    bob = b.url("/users/bob")
    with running_peer(ProjectPeer(port=free_port(), username="nightsongs")) as project:
        forged = statement(project, bob, 9, generate_ed25519_key().private_pem)
        send(project, b, forged, "forged")
        signed = statement(project, bob, 1)
        send(project, b, signed, "1")
        send(project, b, signed, "1-again")  # delivered twice
        # One sender's items are processed in order: once statement 2 is in, the rest is done.
        send(project, b, statement(project, bob, 2), "2")
        lines = wait_for_lines(b, 2)
    # profit 12000, pool 6000; bob's third is exactly 2000.
    assert lines == [
        f"2026-04-02\t{project.actor_id}\t{project.base}/works/1\t2000\tEUR\t{project.base}/payments/{number}/statement"
        for number in (1, 2)
    ]
    csv_rows = b.cli("earnings", "bob", "--csv").stdout.splitlines()
    assert csv_rows[:2] == [
        "date,project,work,amount,currency,statement",
        f"2026-04-02,{project.actor_id},{project.base}/works/1,2000,EUR,{project.base}/payments/1/statement",
    ]
