"""A project's statement reaches an independent ActivityPub implementation (issue 17, "Done
when"): Zoe on the peer wrote a note; the project on a real instance made a work of it; after an
earning and finalizing, the peer's inbox gets the statement's `Create` with a valid HTTP signature
by the project, the statement verifies with the project's key, and — the peer's actor document
not defining our namespace, as Mastodon's does not — a direct Note with Zoe's line and a link."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from fediverse_hit.protocol.http_signatures import verify_request_signature
from fediverse_hit.protocol.keys import load_public_key_pem
from fediverse_hit.protocol.statement_verification import verify_payment_statement
from tests.federation_steps import make_user
from tests.instances import InstanceFactory
from tests.peer import AS2, Peer

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _received(peer: Peer, object_type: str, timeout: float = 30.0) -> tuple[str, dict[str, str], bytes]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path, headers, body in list(peer.received):
            activity = json.loads(body)
            if activity.get("type") == "Create" and activity.get("object", {}).get("type") == object_type \
                    and "/statement" in json.dumps(activity.get("id")):
                return path, headers, body
        time.sleep(0.2)
    raise AssertionError(f"no Create of a {object_type} arrived; got {peer.inbox_activities()}")


def test_the_peer_receives_the_signed_statement_and_a_direct_note(instances: InstanceFactory, peer: Peer) -> None:
    [a] = instances.start(1)
    _, alice_token = make_user(a, "alice")
    a.cli("project", "create", "mural", "--title", "City Mural", "--curator", "alice", "--comment-days", "0")
    sketch = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.base}/notes/1", "type": "Note",
              "attributedTo": peer.actor_id, "content": "<p>A sketch of the harbour</p>", "to": [PUBLIC],
              "published": "2026-12-01T10:00:00Z"}
    peer.objects["/notes/1"] = sketch
    note = {"type": "Note", "to": [PUBLIC], "name": "Harbour mural", "content": "From Zoe's sketch.",
            "fhit:upstreamShare": 5000, "fhit:sources": [{"object": sketch["id"]}]}
    work = httpx.post(a.url("/projects/mural/outbox"), json={"@context": "https://www.w3.org/ns/activitystreams",
                      "type": "Create", "object": note},
                      headers={"Authorization": f"Bearer {alice_token}", "Content-Type": AS2}, timeout=60)
    assert work.status_code == 201, work.text
    proposal_url = a.cli("project", "earning", "mural", work.headers["location"], "--amount", "1001",
                         "--currency", "EUR").stdout.strip().splitlines()[-1]
    a.cli("project", "finalize", proposal_url)

    path, headers, body = _received(peer, "fhit:PaymentStatement")
    project = httpx.get(a.url("/projects/mural"), headers={"Accept": AS2}, timeout=10).json()
    rsa = load_public_key_pem(project["publicKey"]["publicKeyPem"])
    signed = verify_request_signature("POST", f"{peer.base}{path}", headers, body, {project["publicKey"]["id"]: rsa}.get)
    assert signed.key_id == project["publicKey"]["id"]
    statement = json.loads(body)["object"]
    verified = verify_payment_statement(statement, {project["id"]: project}.get)
    # 10.01 EUR, half to the pool rounded down: 5.00 EUR; Alice and Zoe 2.50 each.
    assert verified.pool == 500 and verified.lines == {a.url("/users/alice"): 250, peer.actor_id: 250}

    _, _, note_body = _received(peer, "Note")
    direct = json.loads(note_body)["object"]
    assert direct["to"] == [peer.actor_id] and direct["tag"][0]["href"] == peer.actor_id
    assert "you are owed 2.50 EUR" in direct["content"] and statement["id"] in direct["content"]

    a.cli("project", "resend", proposal_url)  # sent again: a new Create around the same signed statement
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_statement_creates(peer)) < 2:
        time.sleep(0.2)
    first, second = _statement_creates(peer)
    assert first["id"] != second["id"] and first["object"] == second["object"]


def _statement_creates(peer: Peer) -> list[dict[str, object]]:
    return [activity for activity in peer.inbox_activities()
            if activity.get("type") == "Create" and activity["object"].get("type") == "fhit:PaymentStatement"]
