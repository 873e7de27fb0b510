"""Issue 17's "done when", with an independent implementation: a real instance A holds the
project; an independent ActivityPub peer (tests/peer.py) follows it and submits by addressing it;
Bo on a second instance submits too. The challenge reaches the peer with a proof that Fedify
verifies (and an HTTP signature Fedify verifies); both selected pieces are in `fhit:selected`;
the work's credits collection carries the project's proof (Fedify verifies it too) and shares
that sum to exactly 10000 bp, as computed by hand."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.federation_steps import c2s, eventually, fetch_as2, make_user
from tests.instances import InstanceFactory
from tests.oracles.conftest import FedifyOracle
from tests.peer import AS2, Peer

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _as_project(url: str, token: str, activity: dict[str, Any]) -> httpx.Response:
    """POST `activity` to the project's outbox as a curator (C2S)."""
    return httpx.post(
        url, json={"@context": "https://www.w3.org/ns/activitystreams", **activity},
        headers={"Authorization": f"Bearer {token}", "Content-Type": AS2}, timeout=60,
    )


def _items(url: str) -> list[str]:
    return list(httpx.get(url, headers={"Accept": AS2}, timeout=10).json().get("orderedItems", []))


def _project_key(group: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What Fedify's loader may fetch to check the project's proofs: its Ed25519 Multikey."""
    [multikey] = [key for key in group["assertionMethod"] if key["id"].endswith("#ed25519-key")]
    return {multikey["id"]: {"@context": "https://w3id.org/security/multikey/v1", **multikey}}


def _received(peer: Peer, kind: str, object_type: str) -> tuple[dict[str, str], bytes, dict[str, Any]]:
    """The first request the peer received with an activity of `kind` about an `object_type`."""
    for _, headers, body in peer.received:
        activity = json.loads(body)
        embedded = activity.get("object")
        if activity.get("type") == kind and isinstance(embedded, dict) and embedded.get("type") == object_type:
            return headers, body, activity
    raise AssertionError(f"no {kind} of a {object_type} arrived; got {[a['type'] for a in peer.inbox_activities()]}")


def test_an_independent_peer_follows_submits_and_is_credited(
    instances: InstanceFactory, peer: Peer, fedify: FedifyOracle
) -> None:
    a, b = instances.start(2)
    alice, alice_token = make_user(a, "alice")
    bo, bo_token = make_user(b, "bo")
    a.cli("project", "create", "mural", "--title", "City Mural", "--curator", "alice")
    project, outbox = a.url("/projects/mural"), a.url("/projects/mural/outbox")
    _, group = fetch_as2(project)

    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}#follows/1",
              "type": "Follow", "actor": peer.actor_id, "object": project}
    assert peer.signed_post(group["inbox"], follow).status_code == 202
    peer.wait_for_activity("Accept")

    challenge = {"type": "Create", "object": {
        "type": "Note", "to": [PUBLIC], "content": "Sounds of the harbour, for the mural.", "endTime": "2030-01-01T00:00:00Z"}}
    posted = _as_project(outbox, alice_token, challenge)
    assert posted.status_code == 201, posted.text
    eventually(lambda: any(a.get("type") == "Create" for a in peer.inbox_activities()), "the challenge at the peer")
    headers, body, create = _received(peer, "Create", "Note")
    note = {"@context": create["@context"], **create["object"]}  # the Note as signed, in the Create's context
    assert (note["id"], note["attributedTo"], note["endTime"]) == (posted.headers["location"], project, "2030-01-01T00:00:00Z")
    assert fedify("verify-object", document=note, documents=_project_key(group))["verified"] is True
    tampered = {**note, "endTime": "2020-01-01T00:00:00Z"}  # Tried: the deadline moved into the past
    assert fedify("verify-object", document=tampered, documents=_project_key(group))["verified"] is False
    delivered = fedify("verify-request", method="POST", url=f"{peer.base}/inbox", headers=headers,
                       body=base64.b64encode(body).decode(), documents={project: group})
    assert delivered == {"verified": True, "reason": None}

    # The peer submits by addressing the project (cc, audience, context), as FEP-1b12 has it.
    piece = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.base}/notes/1", "type": "Note",
             "attributedTo": peer.actor_id, "content": "<p>Gulls at dawn</p>", "published": "2026-12-01T08:00:00Z",
             "to": [PUBLIC], "cc": [project], "audience": project, "context": project}
    peer.objects["/notes/1"] = piece
    submit = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.base}/notes/1/activity",
              "type": "Create", "actor": peer.actor_id, "object": piece, "to": [PUBLIC], "cc": [project]}
    assert peer.signed_post(group["inbox"], submit).status_code == 202
    song = c2s(b, "bo", bo_token, {"type": "Note", "to": [PUBLIC], "cc": [project], "content": "Foghorn in D."})
    assert song.status_code == 201, song.text
    song_iri = song.headers["location"]
    submissions = a.url("/projects/mural/submissions")
    eventually(lambda: set(_items(submissions)) == {piece["id"], song_iri}, "both submissions queued on A")

    selected = a.url("/projects/mural/selected")
    for submission in (piece["id"], song_iri):
        chosen = _as_project(outbox, alice_token, {"type": "Add", "object": submission, "target": selected})
        assert chosen.status_code == 201, chosen.text
    assert set(_items(selected)) == {piece["id"], song_iri}
    eventually(lambda: any(a.get("type") == "Announce" and a.get("object") == piece["id"] for a in peer.inbox_activities()),
               "the peer told of its selection (Announce by the group)")

    # By hand: the work keeps 40 % (upstream 6000) for Alice, its curator; of the 60 % passed
    # on, the peer's piece gets 3/4 (weight 7500) = 45 %, Bo's song 1/4 = 15 %.
    work = {"type": "Note", "to": [PUBLIC], "name": "Harbour at dawn", "content": "Gulls and a foghorn.",
            "fhit:sources": [{"object": piece["id"], "fhit:weight": 7500}, {"object": song_iri, "fhit:weight": 2500}],
            "fhit:upstreamShare": 6000}
    made = _as_project(outbox, alice_token, {"type": "Create", "object": work})
    assert made.status_code == 201, made.text
    _, published = fetch_as2(made.headers["location"])
    status, credits = fetch_as2(published["fhit:credits"])
    assert status == 200
    shares = {item["actor"]: item["fhit:share"] for item in credits["orderedItems"]}
    assert shares == {alice: 4000, peer.actor_id: 4500, bo: 1500}
    assert sum(shares.values()) == 10000
    assert credits["proof"]["verificationMethod"] == f"{project}#ed25519-key"
    assert fedify("verify-object", document=credits, documents=_project_key(group))["verified"] is True
