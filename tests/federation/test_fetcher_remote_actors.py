"""Remote actors over real HTTP: fetching and storing, the 24 h cache, key lookup (fragment keys,
GoToSocial key stubs, bare key documents), key rotation, and WebFinger handles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fediverse_hit.federation.fetcher import Fetcher, FetchError
from fediverse_hit.federation.remote_actors import (
    get_remote_actor,
    lookup_key,
    resolve_handle,
)
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.keys import (
    KeyPairPem,
    generate_ed25519_key,
    generate_rsa_key,
    load_public_key_pem,
    public_key_to_multibase,
    public_key_to_pem,
)
from fediverse_hit.protocol.media_types import JRD_JSON, LD_JSON_AS2
from fediverse_hit.protocol.signature_primitives import utc_now
from fediverse_hit.store.models import Actor, ActorKey
from tests.federation import test_fetcher_servers as servers
from tests.federation.test_fetcher_servers import FakeRemote, actor_document

pytestmark = pytest.mark.anyio

# The fixtures these tests use, from the fake-server module.
remote = servers.remote
fed_settings = servers.fed_settings
database = servers.database
http_client = servers.http_client
fetcher = servers.fetcher


@pytest.fixture(scope="module")
def rsa_keys() -> list[KeyPairPem]:
    """Two RSA key pairs, generated once for the module."""
    return [generate_rsa_key(), generate_rsa_key()]


def same_key(pem: str, pair: KeyPairPem) -> bool:
    return public_key_to_pem(load_public_key_pem(pem)) == pair.public_pem


async def backdate(actor: Actor, age: timedelta) -> None:
    await Actor.filter(id=actor.id).update(fetched_at=utc_now() - age)


def serve_alice(remote: FakeRemote, keys: dict[str, KeyPairPem]) -> dict[str, Any]:
    document = actor_document(remote, "alice", keys)
    remote.serve_json("/users/alice", document)
    return document


async def test_remote_actor_is_fetched_and_stored(
    remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]
) -> None:
    document = serve_alice(remote, {"main-key": rsa_keys[0]})
    actor = await get_remote_actor(remote.url("/users/alice"), fetcher=fetcher)
    assert (actor.uri, actor.local, actor.kind) == (remote.url("/users/alice"), False, "Person")
    assert (actor.username, actor.domain) == ("alice", remote.authority)
    assert actor.inbox == remote.url("/users/alice/inbox")
    assert actor.shared_inbox == remote.url("/inbox")
    assert actor.followers_url == remote.url("/users/alice/followers")
    assert (actor.name, actor.summary) == ("Alice", "<p>Hello <b>there</b></p>")
    assert (actor.url, actor.icon_url, actor.icon_alt) == (remote.url("/@alice"), remote.url("/alice.png"), "a face")
    assert actor.manually_approves_followers is True
    assert actor.document == document and actor.fetched_at is not None
    [key] = await ActorKey.filter(actor=actor)
    assert (key.key_id, key.algorithm) == (remote.url("/users/alice#main-key"), "rsa")
    assert not key.private_pem
    assert same_key(key.public_pem, rsa_keys[0])


async def test_ed25519_multikeys_are_stored_as_pem(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    document = actor_document(remote, "alice", {"main-key": rsa_keys[0]})
    ed_pair = generate_ed25519_key()
    multibase = public_key_to_multibase(load_public_key_pem(ed_pair.public_pem))
    document["assertionMethod"] = [
        {"id": f"{document['id']}#ed25519-key", "type": "Multikey", "controller": document["id"], "publicKeyMultibase": multibase}
    ]
    remote.serve_json("/users/alice", document)
    actor = await get_remote_actor(document["id"], fetcher=fetcher)
    stored = {key.key_id: key for key in await ActorKey.filter(actor=actor)}
    ed_key = stored[f"{document['id']}#ed25519-key"]
    assert ed_key.algorithm == "ed25519" and ed_key.public_pem == ed_pair.public_pem


async def test_fresh_actor_comes_from_the_cache(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    serve_alice(remote, {"main-key": rsa_keys[0]})
    first = await get_remote_actor(remote.url("/users/alice"), fetcher=fetcher)
    again = await get_remote_actor(remote.url("/users/alice"), fetcher=fetcher)
    assert again.id == first.id and remote.hits("/users/alice") == 1


async def test_actor_older_than_a_day_is_refetched(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    document = serve_alice(remote, {"main-key": rsa_keys[0]})
    actor = await get_remote_actor(document["id"], fetcher=fetcher)
    await backdate(actor, timedelta(hours=23))
    await get_remote_actor(document["id"], fetcher=fetcher)
    assert remote.hits("/users/alice") == 1
    remote.serve_json("/users/alice", {**document, "name": "Alice Renamed"})
    await backdate(actor, timedelta(hours=25))
    refreshed = await get_remote_actor(document["id"], fetcher=fetcher)
    assert remote.hits("/users/alice") == 2 and refreshed.name == "Alice Renamed"
    await get_remote_actor(document["id"], fetcher=fetcher, refresh=True)
    assert remote.hits("/users/alice") == 3


async def test_stale_copy_is_used_while_the_server_fails(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    document = serve_alice(remote, {"main-key": rsa_keys[0]})
    actor = await get_remote_actor(document["id"], fetcher=fetcher)
    await backdate(actor, timedelta(days=2))
    remote.serve_json("/users/alice", {"error": "down"}, status=503)
    assert (await get_remote_actor(document["id"], fetcher=fetcher)).id == actor.id
    with pytest.raises(FetchError, match="HTTP 503"):
        await get_remote_actor(document["id"], fetcher=fetcher, refresh=True)


async def test_gone_actor_is_marked_deleted_and_its_keys_revoked(
    remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]
) -> None:
    document = serve_alice(remote, {"main-key": rsa_keys[0]})
    actor = await get_remote_actor(document["id"], fetcher=fetcher)
    remote.serve_json("/users/alice", {"error": "gone"}, status=410)
    with pytest.raises(FetchError) as gone:
        await get_remote_actor(document["id"], fetcher=fetcher, refresh=True)
    assert gone.value.gone
    await actor.refresh_from_db()
    assert actor.deleted_at is not None
    assert await ActorKey.filter(actor=actor, revoked_at=None).count() == 0
    with pytest.raises(FetchError, match="deleted"):
        await get_remote_actor(document["id"], fetcher=fetcher)
    assert remote.hits("/users/alice") == 2


async def test_actor_served_from_another_host_is_refused(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    # 127.0.0.1 redirects to the same server under the name localhost, whose document is valid
    # for localhost — but it was asked for as an actor of 127.0.0.1.
    elsewhere = f"http://localhost:{remote.port}/users/alice"
    document = actor_document(remote, "alice", {"main-key": rsa_keys[0]})
    document = {**document, "id": elsewhere, "inbox": f"{elsewhere}/inbox"}
    document["publicKey"] = {**document["publicKey"], "id": f"{elsewhere}#main-key", "owner": elsewhere}
    remote.serve_json("/users/alice", document)
    remote.redirect("/people/alice", elsewhere)
    with pytest.raises(FetchError, match="not on the host it was fetched from"):
        await get_remote_actor(remote.url("/people/alice"), fetcher=fetcher)
    assert await Actor.filter(uri=elsewhere).count() == 0


async def test_unusable_actor_document_is_refused(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    document = actor_document(remote, "alice", {"main-key": rsa_keys[0]})
    del document["inbox"]
    remote.serve_json("/users/alice", document)
    with pytest.raises(FetchError, match="not a usable actor: inbox"):
        await get_remote_actor(document["id"], fetcher=fetcher)


async def test_local_ids_never_go_over_http(fetcher: Fetcher, database: InstanceUrls) -> None:
    actor = await get_remote_actor(database.instance_actor(), fetcher=fetcher)
    assert actor.local and actor.kind == "Application"
    key_id = database.rsa_key_id(database.instance_actor())
    owner, key = await lookup_key(key_id, fetcher=fetcher)
    row = await ActorKey.get(key_id=key_id)
    assert owner.id == actor.id and public_key_to_pem(key) == row.public_pem
    with pytest.raises(FetchError) as missing:
        await lookup_key(database.absolute("/users/nobody#main-key"), fetcher=fetcher)
    assert missing.value.status == 404


async def test_fragment_key_id_resolves_through_its_actor(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    serve_alice(remote, {"main-key": rsa_keys[0]})
    actor, key = await lookup_key(remote.url("/users/alice#main-key"), fetcher=fetcher)
    assert actor.uri == remote.url("/users/alice")
    assert public_key_to_pem(key) == rsa_keys[0].public_pem
    await lookup_key(remote.url("/users/alice#main-key"), fetcher=fetcher)
    assert remote.hits("/users/alice") == 1


async def test_gotosocial_key_stub_names_the_owner(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    # GoToSocial's keyId is `…/users/NAME/main-key`, which serves a stub of the actor
    # (docs/federation/federating_with_gotosocial/http_signatures.md).
    document = actor_document(remote, "bob", {"/users/bob/main-key": rsa_keys[0]})
    remote.serve_json("/users/bob", document)
    stub = {key: document[key] for key in ("@context", "id", "preferredUsername", "publicKey", "type")}
    remote.serve_json("/users/bob/main-key", stub)
    actor, key = await lookup_key(remote.url("/users/bob/main-key"), fetcher=fetcher)
    assert actor.uri == remote.url("/users/bob") and public_key_to_pem(key) == rsa_keys[0].public_pem


async def test_bare_key_document_names_the_owner(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    document = actor_document(remote, "carol", {"/keys/7": rsa_keys[1]})
    remote.serve_json("/users/carol", document)
    remote.serve_json("/keys/7", {**document["publicKey"], "@context": "https://w3id.org/security/v1"})
    actor, key = await lookup_key(remote.url("/keys/7"), fetcher=fetcher)
    assert actor.uri == remote.url("/users/carol") and public_key_to_pem(key) == rsa_keys[1].public_pem


async def test_key_document_must_be_listed_by_its_owner(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    serve_alice(remote, {"main-key": rsa_keys[0]})
    forged = {"id": remote.url("/keys/forged"), "owner": remote.url("/users/alice"), "publicKeyPem": rsa_keys[1].public_pem}
    remote.serve_json("/keys/forged", forged)
    with pytest.raises(FetchError, match="not among the current keys"):
        await lookup_key(remote.url("/keys/forged"), fetcher=fetcher)


async def test_key_document_naming_an_owner_elsewhere_is_refused(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    remote.serve_json(
        "/keys/1", {"id": remote.url("/keys/1"), "owner": "https://elsewhere.example/users/x", "publicKeyPem": rsa_keys[0].public_pem}
    )
    with pytest.raises(FetchError, match="no owner on the key's host"):
        await lookup_key(remote.url("/keys/1"), fetcher=fetcher)


async def test_rotated_key_material_is_picked_up_on_refresh(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    key_id = remote.url("/users/alice#main-key")
    serve_alice(remote, {"main-key": rsa_keys[0]})
    actor, old = await lookup_key(key_id, fetcher=fetcher)
    assert public_key_to_pem(old) == rsa_keys[0].public_pem
    serve_alice(remote, {"main-key": rsa_keys[1]})
    # Within the cooldown a refresh is not fetched again (a flood of bad signatures stays cheap).
    _, cooled = await lookup_key(key_id, fetcher=fetcher, refresh=True)
    assert public_key_to_pem(cooled) == rsa_keys[0].public_pem and remote.hits("/users/alice") == 1
    await backdate(actor, timedelta(minutes=1))
    _, new = await lookup_key(key_id, fetcher=fetcher, refresh=True)
    assert public_key_to_pem(new) == rsa_keys[1].public_pem and remote.hits("/users/alice") == 2
    row = await ActorKey.get(key_id=key_id)
    assert row.revoked_at is None and same_key(row.public_pem, rsa_keys[1])


async def test_replaced_key_id_revokes_the_old_key(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    serve_alice(remote, {"main-key": rsa_keys[0]})
    actor, _ = await lookup_key(remote.url("/users/alice#main-key"), fetcher=fetcher)
    serve_alice(remote, {"key-2": rsa_keys[1]})
    await backdate(actor, timedelta(minutes=1))
    same_actor, new = await lookup_key(remote.url("/users/alice#key-2"), fetcher=fetcher, refresh=True)
    assert same_actor.id == actor.id and public_key_to_pem(new) == rsa_keys[1].public_pem
    old_row = await ActorKey.get(key_id=remote.url("/users/alice#main-key"))
    assert old_row.revoked_at is not None
    with pytest.raises(FetchError, match="not among the current keys"):
        await lookup_key(remote.url("/users/alice#main-key"), fetcher=fetcher)


async def test_same_username_for_two_actors_of_one_server(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    # Lemmy names a user and a community alike; the id decides, the later one gets a suffix.
    user = serve_alice(remote, {"main-key": rsa_keys[0]})
    group = actor_document(remote, "alice", {"/c/alice#main-key": rsa_keys[1]})
    group_id = remote.url("/c/alice")
    group.update(id=group_id, type="Group", inbox=f"{group_id}/inbox")
    group["publicKey"] = {**group["publicKey"], "id": f"{group_id}#main-key", "owner": group_id}
    remote.serve_json("/c/alice", group)
    first = await get_remote_actor(user["id"], fetcher=fetcher)
    second = await get_remote_actor(group_id, fetcher=fetcher)
    assert first.username == "alice" and second.username.startswith("alice~")
    await get_remote_actor(group_id, fetcher=fetcher, refresh=True)
    assert (await Actor.get(uri=group_id)).username == second.username


def serve_webfinger(remote: FakeRemote, jrd: dict[str, Any] | None, status: int = 200) -> list[str]:
    resources: list[str] = []

    async def answer(request: Request) -> Response:
        resources.extend(parse_qs(urlsplit(str(request.url)).query)["resource"])
        if jrd is None:
            return Response(status_code=status)
        return JSONResponse(jrd, media_type=JRD_JSON, status_code=status)

    remote.on("/.well-known/webfinger", answer)
    return resources


@pytest.mark.parametrize("form", ["@alice@{host}", "alice@{host}", "acct:alice@{host}"])
async def test_handle_resolves_through_webfinger(
    remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem], form: str
) -> None:
    document = serve_alice(remote, {"main-key": rsa_keys[0]})
    links = [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": remote.url("/@alice")},
        {"rel": "self", "type": "application/activity+json", "href": document["id"]},
    ]
    resources = serve_webfinger(remote, {"subject": f"acct:alice@{remote.authority}", "links": links})
    actor = await resolve_handle(form.format(host=remote.authority), fetcher=fetcher)
    assert actor.uri == document["id"]
    assert resources == [f"acct:alice@{remote.authority}"]


async def test_self_link_may_be_ld_json_with_the_as_profile(remote: FakeRemote, fetcher: Fetcher, rsa_keys: list[KeyPairPem]) -> None:
    document = serve_alice(remote, {"main-key": rsa_keys[0]})
    serve_webfinger(remote, {"links": [{"rel": "self", "type": LD_JSON_AS2, "href": document["id"]}]})
    assert (await resolve_handle(f"alice@{remote.authority}", fetcher=fetcher)).uri == document["id"]


async def test_webfinger_without_activitypub_link_is_an_error(remote: FakeRemote, fetcher: Fetcher) -> None:
    serve_webfinger(remote, {"links": [{"rel": "self", "type": "text/html", "href": remote.url("/@alice")}]})
    with pytest.raises(FetchError, match="no ActivityPub self link"):
        await resolve_handle(f"alice@{remote.authority}", fetcher=fetcher)


async def test_unknown_handle_is_a_404(remote: FakeRemote, fetcher: Fetcher) -> None:
    serve_webfinger(remote, None, status=404)
    with pytest.raises(FetchError) as missing:
        await resolve_handle(f"nobody@{remote.authority}", fetcher=fetcher)
    assert missing.value.status == 404


@pytest.mark.parametrize("handle", ["alice", "@alice", "https://example.com/users/alice", "a@b@c"])
async def test_malformed_handles_are_refused(fetcher: Fetcher, handle: str) -> None:
    with pytest.raises(FetchError):
        await resolve_handle(handle, fetcher=fetcher)


async def test_own_handle_resolves_locally(fetcher: Fetcher, database: InstanceUrls) -> None:
    instance = await Actor.get(uri=database.instance_actor())
    assert (await resolve_handle(f"{instance.username}@{database.domain}", fetcher=fetcher)).id == instance.id
