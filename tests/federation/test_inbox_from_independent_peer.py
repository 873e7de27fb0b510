"""An independent ActivityPub peer (tests/peer.py) follows a user on a real instance and tries
the inputs a hostile or broken server would send. What each request tries is in its name."""

from __future__ import annotations

import json
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from fediverse_hit.protocol.http_signatures import verify_request_signature
from fediverse_hit.protocol.keys import generate_rsa_key, load_public_key_pem
from fediverse_hit.store.models import InboxItem, OutgoingActivity
from tests.federation.inbound_support import in_db, wait_processed
from tests.instances import Instance, InstanceFactory
from tests.peer import AS2, Peer
from tests.web_session import logged_in, submit

pytestmark = pytest.mark.federation

PASSWORD = "correct horse battery"


def _alice(instances: InstanceFactory) -> tuple[Instance, str]:
    [instance] = instances.start(1)
    instance.cli("user", "create", "alice", "--password", PASSWORD)
    return instance, instance.url("/users/alice")


def _follow(peer: Peer, target: str, number: int = 1) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.actor_id}#follows/{number}",
        "type": "Follow",
        "actor": peer.actor_id,
        "object": target,
    }


def _followers(instance: Instance, username: str) -> list[str]:
    collection = httpx.get(instance.url(f"/users/{username}/followers?page=1"), headers={"Accept": AS2}).json()
    return list(collection["orderedItems"])


def test_follow_is_answered_with_accept_whose_signature_verifies(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    follow = _follow(peer, alice)
    assert peer.signed_post(instance.url("/users/alice/inbox"), follow).status_code == 202

    path, headers, body = peer.wait_for_activity("Accept")
    accept = json.loads(body)
    assert accept["actor"] == alice
    assert accept["object"]["id"] == follow["id"] and accept["object"]["type"] == "Follow"
    actor = httpx.get(alice, headers={"Accept": AS2}).json()
    alice_key = load_public_key_pem(actor["publicKey"]["publicKeyPem"])
    verified = verify_request_signature(
        "POST", f"{peer.base}{path}", headers, body, {actor["publicKey"]["id"]: alice_key}.get
    )
    assert verified.key_id == actor["publicKey"]["id"]
    assert _followers(instance, "alice") == [peer.actor_id]


def test_rfc9421_signed_delivery_is_accepted(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    response = peer.signed_post(instance.url("/inbox"), _follow(peer, alice), scheme="rfc9421")
    assert response.status_code == 202
    peer.wait_for_activity("Accept")


def test_unsigned_tampered_and_wrong_key_deliveries_get_401(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    url = instance.url("/users/alice/inbox")
    payload = json.dumps(_follow(peer, alice)).encode()

    unsigned = httpx.post(url, content=payload, headers={"Content-Type": AS2})
    assert unsigned.status_code == 401

    headers = peer.signed_headers(url, payload)
    tampered = payload.replace(b"follows/1", b"follows/2")
    assert httpx.post(url, content=tampered, headers=headers).status_code == 401

    impostor = generate_rsa_key()  # same keyId, someone else's private key
    wrong_key = peer.signed_headers(url, payload, private_pem=impostor.private_pem)
    assert httpx.post(url, content=payload, headers=wrong_key).status_code == 401
    assert _followers(instance, "alice") == []


def test_clock_skew_beyond_an_hour_is_refused_either_way_and_fifty_minutes_accepted(
    instances: InstanceFactory, peer: Peer
) -> None:
    instance, alice = _alice(instances)
    url = instance.url("/users/alice/inbox")
    now = datetime.now(UTC)
    for number, minutes in enumerate((61, -61, 50, -50), start=1):  # dated just outside, then inside, each side
        payload = json.dumps(_follow(peer, alice, number)).encode()
        headers = peer.signed_headers(url, payload, now=now + timedelta(minutes=minutes))
        expected = 401 if abs(minutes) > 60 else 202
        assert httpx.post(url, content=payload, headers=headers).status_code == expected, minutes


def test_replayed_delivery_is_accepted_once(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    url = instance.url("/users/alice/inbox")
    follow = _follow(peer, alice)
    payload = json.dumps(follow).encode()
    headers = peer.signed_headers(url, payload)
    assert httpx.post(url, content=payload, headers=headers).status_code == 202
    assert httpx.post(url, content=payload, headers=headers).status_code == 202  # replay
    wait_processed(instance, str(follow["id"]))
    items = in_db(instance, lambda: InboxItem.filter(activity_id=follow["id"]).count())
    answers = in_db(instance, lambda: OutgoingActivity.all().values_list("body", flat=True))
    assert items == 1
    assert [json.loads(str(body))["type"] for body in answers] == ["Accept"]


def test_oversized_malformed_and_unknown_posts(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    url = instance.url("/inbox")
    huge = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert httpx.post(url, content=huge, headers={"Content-Type": AS2}).status_code == 413

    not_json = b"{this is not json"
    assert httpx.post(url, content=not_json, headers=peer.signed_headers(url, not_json)).status_code == 400

    unknown = {**_follow(peer, alice), "type": "Dance", "id": f"{peer.actor_id}#dance"}
    assert peer.signed_post(url, unknown).status_code == 202


def test_activity_claiming_another_actor_is_refused(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    forged = {**_follow(peer, alice), "actor": "http://127.0.0.1:9/users/mallory", "id": "http://127.0.0.1:9/f/1"}
    assert peer.signed_post(instance.url("/inbox"), forged).status_code == 401


def test_repeated_follow_is_accepted_again(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    url = instance.url("/users/alice/inbox")
    assert peer.signed_post(url, _follow(peer, alice, 1)).status_code == 202
    peer.wait_for_activity("Accept")
    assert peer.signed_post(url, _follow(peer, alice, 2)).status_code == 202
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        accepted = [a["object"]["id"] for a in peer.inbox_activities() if a["type"] == "Accept"]
        if len(accepted) == 2:
            break
        time.sleep(0.1)
    assert accepted == [f"{peer.actor_id}#follows/1", f"{peer.actor_id}#follows/2"]
    assert _followers(instance, "alice") == [peer.actor_id]


def test_blocked_domain_gets_403_and_its_follow_is_dropped(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    instance.cli("user", "create", "root", "--password", PASSWORD, "--admin")
    assert peer.signed_post(instance.url("/users/alice/inbox"), _follow(peer, alice)).status_code == 202
    peer.wait_for_activity("Accept")
    assert _followers(instance, "alice") == [peer.actor_id]
    with closing(logged_in(instance.base_url, "root", PASSWORD)) as admin:
        blocked = submit(admin, "/admin/domain-blocks", "/admin/domain-blocks", {"domain": f"127.0.0.1:{peer.port}"})
        assert blocked.status_code == 303
        assert f"127.0.0.1:{peer.port}" in admin.get("/admin/domain-blocks").text
    assert _followers(instance, "alice") == []
    response = peer.signed_post(instance.url("/users/alice/inbox"), _follow(peer, alice, 2))
    assert response.status_code == 403


def test_profile_edit_sends_update_person_to_followers(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    assert peer.signed_post(instance.url("/users/alice/inbox"), _follow(peer, alice)).status_code == 202
    peer.wait_for_activity("Accept")
    with closing(logged_in(instance.base_url, "alice", PASSWORD)) as web:
        saved = submit(web, "/settings", "/settings", {"display_name": "Alice Renamed", "bio": "Now with a bio"})
        assert saved.status_code == 303
    _, _, body = peer.wait_for_activity("Update")
    update = json.loads(body)
    assert update["actor"] == alice and update["object"]["id"] == alice
    assert update["object"]["type"] == "Person"
    assert update["object"]["name"] == "Alice Renamed"
    assert "Now with a bio" in update["object"]["summary"]


def test_delete_of_the_actor_itself_ends_its_follows(instances: InstanceFactory, peer: Peer) -> None:
    instance, alice = _alice(instances)
    assert peer.signed_post(instance.url("/users/alice/inbox"), _follow(peer, alice)).status_code == 202
    peer.wait_for_activity("Accept")
    delete = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.actor_id}#delete",
        "type": "Delete",
        "actor": peer.actor_id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": peer.actor_id,
    }
    assert peer.signed_post(instance.url("/inbox"), delete).status_code == 202
    deadline = time.monotonic() + 20
    while _followers(instance, "alice") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _followers(instance, "alice") == []
