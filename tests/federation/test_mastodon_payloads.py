"""Real Mastodon activities (tests/fixtures/mastodon/, captured from a Mastodon server) replayed
against a real instance by an independent peer: only hosts and ids are swapped for the test's."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.instances import Instance, InstanceFactory
from tests.peer import AS2, Peer

pytestmark = pytest.mark.federation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mastodon"
PASSWORD = "correct horse battery"
MASTODON_USERS = ("http://mastodon.example.org/users/admin", "http://mastodon.example.org/users/gargron")


def payload(name: str, peer: Peer, local_user: str) -> dict[str, Any]:
    """The fixture with Mastodon's accounts replaced by the peer and Pleroma's by our user."""
    text = (FIXTURES / name).read_text()
    for mastodon_user in MASTODON_USERS:
        text = text.replace(mastodon_user, peer.actor_id)
    text = text.replace("http://mastodon.example.org", peer.base)
    text = text.replace("http://localtesting.pleroma.lol/users/lain", local_user)
    document: dict[str, Any] = json.loads(text)
    return document


def members(instance: Instance, name: str, collection: str) -> list[str]:
    url = instance.url(f"/users/{name}/{collection}?page=1")
    return list(httpx.get(url, headers={"Accept": AS2}).json()["orderedItems"])


def eventually(check: Any, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {what}")


def test_mastodon_follow_and_undo_are_understood(instances: InstanceFactory, peer: Peer) -> None:
    [instance] = instances.start(1)
    instance.cli("user", "create", "alice", "--password", PASSWORD)
    alice = instance.url("/users/alice")
    inbox = instance.url("/users/alice/inbox")
    follow = payload("mastodon-follow-activity.json", peer, alice)
    assert peer.signed_post(inbox, follow).status_code == 202
    _, _, body = peer.wait_for_activity("Accept")
    assert json.loads(body)["object"]["id"] == follow["id"]
    assert members(instance, "alice", "followers") == [peer.actor_id]

    undo = payload("mastodon-unfollow-activity.json", peer, alice)
    undo["id"] = f"{peer.actor_id}#follows/2/undo"  # the captured Undo carries no id of its own
    assert peer.signed_post(inbox, undo).status_code == 202
    eventually(lambda: members(instance, "alice", "followers") == [], "the Undo removes the follower")


def test_mastodon_accept_completes_our_follow(instances: InstanceFactory, peer: Peer) -> None:
    [instance] = instances.start(1)
    instance.cli("user", "create", "alice", "--password", PASSWORD)
    alice = instance.url("/users/alice")
    token = instance.cli("token", "create", "alice").stdout.strip().splitlines()[-1]
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow", "object": peer.actor_id}
    outbox = instance.url("/users/alice/outbox")
    assert httpx.post(outbox, json=follow, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    _, _, body = peer.wait_for_activity("Follow")
    our_follow = json.loads(body)
    assert members(instance, "alice", "following") == []

    accept = payload("mastodon-accept-activity.json", peer, alice)
    accept["object"]["id"] = our_follow["id"]
    assert peer.signed_post(instance.url("/inbox"), accept).status_code == 202
    eventually(lambda: members(instance, "alice", "following") == [peer.actor_id], "the Accept lands")


def test_mastodon_profile_update_and_status_delete(instances: InstanceFactory, peer: Peer) -> None:
    [instance] = instances.start(1)
    instance.cli("user", "create", "alice", "--password", PASSWORD)
    alice = instance.url("/users/alice")
    assert peer.signed_post(instance.url("/inbox"), payload("mastodon-follow-activity.json", peer, alice)).status_code == 202
    peer.wait_for_activity("Accept")
    search = instance.url("/search")
    assert "Zoe" in httpx.get(search, params={"q": peer.actor_id}).text

    update = payload("mastodon-update.json", peer, alice)
    update["object"]["publicKey"]["publicKeyPem"] = peer.rsa.public_pem  # Mastodon's key is not ours
    peer.name = update["object"]["name"]  # the profile the peer now serves
    assert peer.signed_post(instance.url("/inbox"), update).status_code == 202
    eventually(lambda: "gargle" in httpx.get(search, params={"q": peer.actor_id}).text, "the new name shows")

    delete = payload("mastodon-delete.json", peer, alice)
    assert peer.signed_post(instance.url("/inbox"), delete).status_code == 202  # a status we never had
    assert members(instance, "alice", "followers") == [peer.actor_id]
