"""FEP-8b32: an activity signed (HTTP) by one server for an actor on another is believed only
when it carries a valid proof made with one of the actor's own `assertionMethod` keys."""

from __future__ import annotations

import pytest

from fediverse_hit.store.models import Follow, InboxItem
from tests.inbox_harness import InboxHarness, RemotePerson

pytestmark = pytest.mark.anyio


def _follow(zoe: RemotePerson, inbox: InboxHarness) -> dict[str, object]:
    return zoe.activity("Follow", inbox.urls.user("alice"))


async def test_activity_proven_by_its_actor_and_relayed_by_another_signer_is_accepted(inbox: InboxHarness) -> None:
    await inbox.local_person("alice")
    zoe, relay = inbox.network.person("zoe"), inbox.network.person("relay", "relay.example")
    proven = zoe.prove(_follow(zoe, inbox))
    await inbox.deliver(proven, relay)
    [item] = await InboxItem.all()
    assert (item.actor_uri, item.signer_key_id) == (zoe.actor_id, relay.key_id)
    assert await Follow.filter(follower__uri=zoe.actor_id).count() == 1


async def test_relayed_activity_changed_after_its_proof_gets_401(inbox: InboxHarness) -> None:
    zoe, relay = inbox.network.person("zoe"), inbox.network.person("relay", "relay.example")
    tampered = {**zoe.prove(_follow(zoe, inbox)), "object": inbox.urls.user("bob")}
    response = await inbox.post(tampered, relay)
    assert response.status_code == 401
    assert "no proof by the actor holds" in response.text


async def test_relayed_activity_proven_by_the_relay_itself_gets_401(inbox: InboxHarness) -> None:
    zoe, relay = inbox.network.person("zoe"), inbox.network.person("relay", "relay.example")
    assert (await inbox.post(relay.prove(_follow(zoe, inbox)), relay)).status_code == 401


async def test_relayed_activity_proven_by_someone_else_on_the_actors_server_gets_401(inbox: InboxHarness) -> None:
    zoe, mallory = inbox.network.person("zoe"), inbox.network.person("mallory")
    relay = inbox.network.person("relay", "relay.example")
    assert (await inbox.post(mallory.prove(_follow(zoe, inbox)), relay)).status_code == 401


async def test_proof_naming_the_actors_key_but_made_with_another_key_gets_401(inbox: InboxHarness) -> None:
    zoe, relay = inbox.network.person("zoe"), inbox.network.person("relay", "relay.example")
    forged = relay.prove(_follow(zoe, inbox), key_id=zoe.ed25519_key_id)
    assert (await inbox.post(forged, relay)).status_code == 401


async def test_proof_with_a_key_on_another_host_than_the_actors_gets_401(inbox: InboxHarness) -> None:
    """The relay serves a key document claiming Zoe and proves with it: the key is not among
    the keys of Zoe's own actor document, so it does not count."""
    zoe = inbox.network.person("zoe")
    relay = inbox.network.person("relay", "relay.example")
    fake_key = "https://relay.example/keys/zoe"
    inbox.network.serve({"id": fake_key, "type": "Multikey", "controller": zoe.actor_id})
    forged = zoe.prove(_follow(zoe, inbox), key_id=fake_key)  # even made with Zoe's real private key
    assert (await inbox.post(forged, relay)).status_code == 401


async def test_relayed_activity_whose_actor_cannot_be_fetched_gets_401(inbox: InboxHarness) -> None:
    zoe, relay = inbox.network.person("zoe"), inbox.network.person("relay", "relay.example")
    del inbox.network.documents[zoe.actor_id]
    assert (await inbox.post(zoe.prove(_follow(zoe, inbox)), relay)).status_code == 401
