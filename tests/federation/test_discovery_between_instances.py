"""Discovery across real instances: what a third-party server does to find a user on ours.

Two instances run as subprocesses; this test process plays the remote server, with plain httpx
over loopback: WebFinger (RFC 7033) → actor document → keys (HTTP-signature RSA key, FEP-521a
Multikey) and NodeInfo 2.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from fediverse_hit.protocol.keys import load_public_key_pem, multibase_to_public_key
from tests.instances import Instance, InstanceFactory

pytestmark = pytest.mark.federation

AS_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
# Relation types of NodeInfo discovery (https://github.com/jhass/nodeinfo/blob/main/PROTOCOL.md).
NODEINFO_21_REL = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_20_REL = "http://nodeinfo.diaspora.software/ns/schema/2.0"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def pair(module_instances: InstanceFactory) -> tuple[Instance, Instance]:
    """Instances A and B; A has a user `alice`, created with the CLI."""
    a, b = module_instances.start(2)
    a.cli("user", "create", "alice", "--password", "correct horse battery staple")
    return a, b


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0, follow_redirects=False, trust_env=False) as client:
        yield client


def webfinger(http: httpx.Client, instance: Instance, resource: str) -> httpx.Response:
    return http.get(instance.url("/.well-known/webfinger"), params={"resource": resource})


def self_link(jrd: dict[str, Any]) -> str:
    [link] = [link for link in jrd["links"] if link["rel"] == "self"]
    assert link["type"] == "application/activity+json"
    href: str = link["href"]
    return href


def test_webfinger_on_a_finds_alice(pair: tuple[Instance, Instance], http: httpx.Client) -> None:
    a, _ = pair
    response = webfinger(http, a, f"acct:alice@{a.domain}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jrd+json")
    jrd = response.json()
    assert jrd["subject"] == f"acct:alice@{a.domain}"
    assert self_link(jrd).startswith(a.base_url + "/")


def test_actor_document_behind_self_link_carries_both_keys(
    pair: tuple[Instance, Instance], http: httpx.Client
) -> None:
    a, _ = pair
    actor_url = self_link(webfinger(http, a, f"acct:alice@{a.domain}").json())
    response = http.get(actor_url, headers={"Accept": AS_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/activity+json")
    actor = response.json()
    assert actor["id"] == actor_url
    assert actor["type"] == "Person" and actor["preferredUsername"] == "alice"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert isinstance(load_public_key_pem(actor["publicKey"]["publicKeyPem"]), rsa.RSAPublicKey)
    [multikey] = actor["assertionMethod"]
    assert multikey["type"] == "Multikey" and multikey["controller"] == actor["id"]
    assert isinstance(multibase_to_public_key(multikey["publicKeyMultibase"]), ed25519.Ed25519PublicKey)
    assert actor["inbox"].startswith(a.base_url + "/")


def test_unknown_users_are_404(pair: tuple[Instance, Instance], http: httpx.Client) -> None:
    a, b = pair
    assert webfinger(http, a, f"acct:nobody@{a.domain}").status_code == 404
    # alice lives on A only: B has its own database.
    assert webfinger(http, b, f"acct:alice@{b.domain}").status_code == 404
    assert webfinger(http, b, f"acct:alice@{a.domain}").status_code == 404
    actor_url = self_link(webfinger(http, a, f"acct:alice@{a.domain}").json())
    missing = http.get(actor_url.replace("/alice", "/nobody"), headers={"Accept": AS_ACCEPT})
    assert missing.status_code == 404


def test_actor_url_serves_html_to_browsers(pair: tuple[Instance, Instance], http: httpx.Client) -> None:
    a, _ = pair
    actor_url = self_link(webfinger(http, a, f"acct:alice@{a.domain}").json())
    page = http.get(actor_url, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "alice" in page.text


def nodeinfo_links(http: httpx.Client, instance: Instance) -> dict[str, str]:
    """`/.well-known/nodeinfo` as {rel: href}."""
    response = http.get(instance.url("/.well-known/nodeinfo"))
    assert response.status_code == 200
    return {link["rel"]: link["href"] for link in response.json()["links"]}


def test_nodeinfo_links_use_the_protocol_relations(
    pair: tuple[Instance, Instance], http: httpx.Client
) -> None:
    a, _ = pair
    links = nodeinfo_links(http, a)
    assert links[NODEINFO_21_REL] == a.url("/nodeinfo/2.1")
    assert links[NODEINFO_20_REL] == a.url("/nodeinfo/2.0")


def test_nodeinfo_lists_activitypub_and_counts_each_instance_alone(
    pair: tuple[Instance, Instance], http: httpx.Client
) -> None:
    users = []
    for instance in pair:
        href = nodeinfo_links(http, instance)[NODEINFO_21_REL]
        assert href.startswith(instance.base_url + "/")
        response = http.get(href, headers={"Accept": "application/json"})
        assert response.status_code == 200
        info = response.json()
        assert info["version"] == "2.1"
        assert "activitypub" in info["protocols"]
        users.append(info["usage"]["users"]["total"])
    assert users == [1, 0]


def test_token_create_prints_token_alone_on_last_line(pair: tuple[Instance, Instance]) -> None:
    a, _ = pair
    first = a.cli("token", "create", "alice").stdout.splitlines()[-1]
    second = a.cli("token", "create", "alice", "--label", "deploy script").stdout.splitlines()[-1]
    for token in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_\-.~+/=]{20,}", token), token
    assert first != second


def test_token_for_unknown_user_fails(pair: tuple[Instance, Instance]) -> None:
    a, _ = pair
    result = a.cli("token", "create", "nobody", check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "nobody" in result.stderr
