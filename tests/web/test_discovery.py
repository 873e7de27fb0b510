"""Discovery as a remote server performs it: WebFinger → actor document → keys, NodeInfo."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.keys import load_public_key_pem, multibase_to_public_key
from fediverse_hit.services.accounts import create_account

pytestmark = pytest.mark.anyio

AS_ACCEPT = "application/activity+json"


async def test_webfinger_finds_user_and_actor_has_both_keys(
    client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    await create_account("alice", "correct horse battery", urls)
    finger = await client.get("/.well-known/webfinger", params={"resource": "acct:alice@hit.test"})
    assert finger.status_code == 200
    assert finger.headers["content-type"].startswith("application/jrd+json")
    jrd = finger.json()
    assert jrd["subject"] == "acct:alice@hit.test"
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    assert self_link["type"] == "application/activity+json"

    actor = (await client.get(self_link["href"], headers={"Accept": AS_ACCEPT})).json()
    assert actor["id"] == self_link["href"] == "http://hit.test/users/alice"
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "alice"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert load_public_key_pem(actor["publicKey"]["publicKeyPem"]).key_size == 2048  # type: ignore[union-attr]
    [multikey] = actor["assertionMethod"]
    assert multikey["controller"] == actor["id"] and multikey["type"] == "Multikey"
    assert isinstance(multibase_to_public_key(multikey["publicKeyMultibase"]), Ed25519PublicKey)
    assert actor["endpoints"]["sharedInbox"] == "http://hit.test/inbox"
    assert actor["webfinger"] == "alice@hit.test"


async def test_unknown_user_is_404_and_malformed_resource_400(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/.well-known/webfinger", params={"resource": "acct:nobody@hit.test"})
    assert unknown.status_code == 404
    other_host = await client.get("/.well-known/webfinger", params={"resource": "acct:alice@elsewhere.example"})
    assert other_host.status_code == 404
    for bad in ["", "alice", "acct:", "acct:a@b@c", "ftp://hit.test/users/alice"]:
        response = await client.get("/.well-known/webfinger", params={"resource": bad})
        assert response.status_code == 400, bad
        assert "error" in response.json()


async def test_actor_url_serves_html_to_browsers(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    await create_account("alice", "correct horse battery", urls)
    page = await client.get("/users/alice", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<link rel="alternate" type="application/activity+json" href="http://hit.test/users/alice">' in page.text


async def test_ld_json_accept_gets_activity_json(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    await create_account("alice", "correct horse battery", urls)
    accept = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    response = await client.get("/users/alice", headers={"Accept": accept})
    assert response.headers["content-type"] == "application/activity+json"


async def test_instance_actor_is_an_application_found_by_webfinger(client: httpx.AsyncClient) -> None:
    finger = await client.get("/.well-known/webfinger", params={"resource": "acct:hit.test@hit.test"})
    assert finger.status_code == 200
    actor = (await client.get("/actor", headers={"Accept": AS_ACCEPT})).json()
    assert actor["type"] == "Application"
    assert actor["id"] == "http://hit.test/actor"
    assert actor["publicKey"]["id"] == "http://hit.test/actor#main-key"


async def test_nodeinfo_lists_activitypub(client: httpx.AsyncClient) -> None:
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    hrefs = {link["rel"]: link["href"] for link in links}
    nodeinfo_21 = hrefs["http://nodeinfo.diaspora.software/ns/schema/2.1"]
    assert nodeinfo_21 == "http://hit.test/nodeinfo/2.1"
    info = (await client.get(nodeinfo_21)).json()
    assert info["version"] == "2.1"
    assert info["protocols"] == ["activitypub"]
    assert (await client.get("/nodeinfo/2.0")).json()["version"] == "2.0"
