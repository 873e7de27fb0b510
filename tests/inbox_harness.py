"""A fast in-process inbox: the app over `httpx.ASGITransport` against the real test database
(SQLite or PostgreSQL), and remote servers served by an `httpx.MockTransport` at the network
edge, so acceptance and processing of an inbox item run in milliseconds without subprocesses.

Remote people have real keys and real actor documents; every request our fetcher sends is
recorded, so a test can say what was fetched. Processing is one deterministic worker pass.
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation import inbox as inbox_module
from fediverse_hit.federation.domain_block_cache import forget_domain_blocks
from fediverse_hit.federation.fetcher import Fetcher, instance_signer
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.federation.remote_works import forget_recent_works
from fediverse_hit.federation.runtime import FederationRuntime
from fediverse_hit.federation.sender_pool import WorkerConfig
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.federation.worker import process_inbox_batch, utc_now
from fediverse_hit.protocol.http_message_signatures import sign_message
from fediverse_hit.protocol.http_signatures import sign_request_headers
from fediverse_hit.protocol.integrity_proofs import create_proof
from fediverse_hit.protocol.keys import (
    KeyPairPem,
    generate_ed25519_key,
    generate_rsa_key,
    load_private_key,
    load_public_key_pem,
    public_key_to_multibase,
)
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.follows import accept_follow, request_follow
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Actor, InboxItem

AS2 = "application/activity+json"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PASSWORD = "correct horse battery"
FETCH_DEADLINE = 2.0  # a hanging remote server costs a failing test this much, not 15 s


@functools.cache
def rsa_key(name: str) -> KeyPairPem:
    """An RSA key per name, generated once per test process (generation costs ~50 ms)."""
    return generate_rsa_key()


@functools.cache
def ed25519_key(name: str) -> KeyPairPem:
    return generate_ed25519_key()


@dataclass
class RemotePerson:
    """A Person on another server, with its RSA (HTTP signatures) and Ed25519 (proofs) keys."""

    host: str
    username: str
    rsa: KeyPairPem
    ed25519: KeyPairPem

    @property
    def actor_id(self) -> str:
        return f"https://{self.host}/users/{self.username}"

    @property
    def key_id(self) -> str:
        return f"{self.actor_id}#main-key"

    @property
    def ed25519_key_id(self) -> str:
        return f"{self.actor_id}#ed25519-key"

    @property
    def followers(self) -> str:
        return f"{self.actor_id}/followers"

    def document(self) -> dict[str, Any]:
        return {
            "@context": [AS_CONTEXT, "https://w3id.org/security/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": self.username,
            "inbox": f"{self.actor_id}/inbox",
            "outbox": f"{self.actor_id}/outbox",
            "followers": self.followers,
            "endpoints": {"sharedInbox": f"https://{self.host}/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.actor_id, "publicKeyPem": self.rsa.public_pem},
            "assertionMethod": [
                {
                    "id": self.ed25519_key_id,
                    "type": "Multikey",
                    "controller": self.actor_id,
                    "publicKeyMultibase": public_key_to_multibase(load_public_key_pem(self.ed25519.public_pem)),
                }
            ],
        }

    def prove(self, document: dict[str, Any], key_id: str | None = None) -> dict[str, Any]:
        """`document` with a FEP-8b32 proof made with this person's Ed25519 key."""
        return create_proof(document, self.ed25519.private_pem, key_id or self.ed25519_key_id)

    def note(self, number: int, **fields: Any) -> dict[str, Any]:
        """A public Note by this person, in Mastodon's shape."""
        return {
            "id": f"{self.actor_id}/statuses/{number}",
            "type": "Note",
            "attributedTo": self.actor_id,
            "content": f"<p>Note {number}</p>",
            "published": "2026-11-01T10:00:00Z",
            "to": [PUBLIC],
            "cc": [self.followers],
            **fields,
        }

    def activity(self, kind: str, obj: Any, suffix: str = "1", **fields: Any) -> dict[str, Any]:
        """An activity of `kind` by this person, its id on this person's server."""
        return {
            "@context": AS_CONTEXT,
            "id": f"{self.actor_id}/activities/{kind.lower()}/{suffix}",
            "type": kind,
            "actor": self.actor_id,
            "object": obj,
            **fields,
        }

    def create(self, obj: Any, suffix: str = "1", **fields: Any) -> dict[str, Any]:
        audience = {"to": obj.get("to", []), "cc": obj.get("cc", [])} if isinstance(obj, dict) else {}
        return self.activity("Create", obj, suffix, **{**audience, **fields})


@dataclass
class Network:
    """Remote servers as seen through our fetcher: documents by URL; every request recorded.

    Hosts in `hanging` never answer (the fetcher's deadline ends the wait); a host that is
    `held` answers only once a given URL has been asked for (ordering without timing)."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    hanging: set[str] = field(default_factory=set)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    openers: dict[str, asyncio.Event] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)  # by URL; AS2 unless given

    def hold(self, host: str, *, until_fetched: str) -> None:
        """Requests to `host` wait until a request for `until_fetched` has arrived."""
        gate = self.gates[host] = asyncio.Event()
        self.openers[until_fetched] = gate

    def person(self, username: str, host: str = "remote.example", *, rsa: str | None = None) -> RemotePerson:
        """A remote person whose actor document is served from now on."""
        name = f"{username}@{host}"
        person = RemotePerson(host, username, rsa_key(rsa or name), ed25519_key(name))
        self.serve(person.document())
        return person

    def serve(self, document: dict[str, Any]) -> None:
        self.documents[document["id"]] = document

    def fetched(self, host: str | None = None) -> list[str]:
        """The URLs we sent a GET to (to `host` only, when given), in order."""
        return [str(r.url) for r in self.requests if r.method == "GET" and host in (None, r.url.netloc.decode())]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = str(request.url.copy_with(fragment=None))
        if url in self.openers:
            self.openers[url].set()
        host = request.url.netloc.decode()
        if host in self.hanging:
            await asyncio.Event().wait()
        if host in self.gates:
            await self.gates[host].wait()
        if request.method == "POST":
            return httpx.Response(202)
        document = self.documents.get(url)
        if document is None:
            return httpx.Response(404)
        body = json.dumps(document).encode()
        content_type = self.content_types.get(url, AS2)
        return httpx.Response(200, stream=httpx.ByteStream(body), headers={"Content-Type": content_type})


@dataclass
class InboxHarness:
    """Our instance (in-process) and the remote network, with the steps tests take."""

    client: httpx.AsyncClient
    urls: InstanceUrls
    network: Network
    fetcher: Fetcher
    processor: Any
    runtime: FederationRuntime

    async def post(
        self,
        activity: dict[str, Any] | bytes,
        signer: RemotePerson | None,
        *,
        path: str = "/inbox",
        host: str | None = None,
        now: datetime | None = None,
        private_pem: str | None = None,
        key_id: str | None = None,
        scheme: str = "cavage",
    ) -> httpx.Response:
        """POST `activity` to our inbox signed by `signer` (unsigned when None); `host` is the
        Host it is signed for and sent with (ours by default)."""
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        target_host = host or self.urls.domain
        headers = {"Content-Type": AS2, "Host": target_host}
        if signer is not None:
            url = f"{self.urls.scheme}://{target_host}{path}"
            key = load_private_key(private_pem or signer.rsa.private_pem)
            kid = key_id or signer.key_id
            if scheme == "cavage":
                headers.update(sign_request_headers("POST", url, headers, body, key_id=kid, private_key=key, now=now))
            else:
                headers.update(sign_message("POST", url, headers, body, key_id=kid, private_key=key))
        return await self.client.post(path, content=body, headers=headers)

    async def deliver(self, activity: dict[str, Any], signer: RemotePerson, *, path: str = "/inbox") -> None:
        """POST `activity` (it must be accepted) and run a worker pass that processes it."""
        response = await self.post(activity, signer, path=path)
        assert response.status_code == 202, response.text
        await self.process()
        item = await InboxItem.get(activity_id=activity["id"])
        assert (item.state, item.last_error) == ("done", ""), item.last_error

    async def process(self, batch: int = 50) -> tuple[int, int]:
        """One worker pass over due inbox items: (done, failed)."""
        config = WorkerConfig(inbox_batch=batch)
        return await process_inbox_batch(self.processor, utc_now, config, random.Random(0))

    async def local_person(self, username: str) -> Actor:
        account = await create_account(username, PASSWORD, self.urls)
        actor: Actor = await account.actor
        return actor

    async def remote_actor(self, person: RemotePerson) -> Actor:
        """`person` as stored here (fetched through the network)."""
        return await get_remote_actor(person.actor_id, fetcher=self.fetcher)

    async def follow(self, follower: Actor, followed: Actor) -> None:
        """An accepted follow (a local person following a remote one, or the other way)."""
        outcome = await request_follow(follower, followed, f"{follower.uri}#follows/{followed.id}")
        await accept_follow(outcome.follow)


@pytest.fixture
async def inbox(app: Starlette, client: httpx.AsyncClient, settings: Settings, urls: InstanceUrls) -> AsyncIterator[InboxHarness]:
    """The instance's inbox with a mock network of remote servers behind its fetcher."""
    network = Network()
    async with httpx.AsyncClient(transport=httpx.MockTransport(network.handle)) as http:
        fetcher = Fetcher(http, settings, await instance_signer(urls), deadline=FETCH_DEADLINE)
        app.state.fetcher = fetcher
        forget_domain_blocks()
        forget_recent_works()
        inbox_module.forget_verified_keys()
        runtime = FederationRuntime(settings, urls, fetcher)
        app.state.handler_context = runtime.handler_context()
        yield InboxHarness(client, urls, network, fetcher, runtime.inbox_processor(), runtime)
        runtime.parser.close()
