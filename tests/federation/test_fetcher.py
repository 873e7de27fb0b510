"""The fetcher against real HTTP servers on loopback: signed GETs, content types, size cap,
id check, redirects, status codes and the deadline (DESIGN §5)."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from fediverse_hit.federation.fetcher import Fetcher, FetchError
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.http_signatures import VerifiedSignature, verify_request
from fediverse_hit.protocol.keys import PublicKey, load_public_key_pem
from fediverse_hit.protocol.media_types import ACTIVITY_JSON, FETCH_ACCEPT, LD_JSON_AS2
from fediverse_hit.store.actors import find_active_key, find_actor_by_uri
from tests.federation import test_fetcher_servers as servers
from tests.federation.test_fetcher_servers import FakeRemote

# The fixtures these tests use, from the fake-server module.
remote = servers.remote
fed_settings = servers.fed_settings
database = servers.database
http_client = servers.http_client
fetcher = servers.fetcher

pytestmark = pytest.mark.anyio


def note(remote: FakeRemote, path: str) -> dict[str, object]:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": remote.url(path), "type": "Note"}


async def test_fetch_is_signed_by_the_instance_actor(
    remote: FakeRemote, fetcher: Fetcher, database: InstanceUrls
) -> None:
    instance = await find_actor_by_uri(database.instance_actor())
    assert instance is not None
    key = await find_active_key(instance, "rsa")
    assert key is not None
    verified: list[VerifiedSignature] = []

    async def checked(request: Request) -> Response:
        def lookup(key_id: str) -> PublicKey | None:
            return load_public_key_pem(key.public_pem) if key_id == key.key_id else None

        received = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        verified.append(await verify_request(request.method, str(request.url), received, b"", lookup))
        return JSONResponse(note(remote, "/notes/1"), media_type=ACTIVITY_JSON)

    remote.on("/notes/1", checked)
    document = await fetcher.fetch_document(remote.url("/notes/1"))
    assert document["id"] == remote.url("/notes/1")
    [signature] = verified
    assert signature.key_id == database.rsa_key_id(database.instance_actor())
    assert {"(request-target)", "host", "date"} <= set(signature.covered_components)
    [seen] = remote.requests
    headers = dict(seen.headers)
    assert headers["accept"] == FETCH_ACCEPT
    assert headers["user-agent"].startswith("fediverse-hit/") and "(+http://hit.test)" in headers["user-agent"]


@pytest.mark.parametrize(
    "content_type",
    [ACTIVITY_JSON, f"{ACTIVITY_JSON}; charset=utf-8", LD_JSON_AS2],
)
async def test_activitystreams_content_types_are_accepted(
    remote: FakeRemote, fetcher: Fetcher, content_type: str
) -> None:
    remote.serve_json("/notes/1", note(remote, "/notes/1"), content_type=content_type)
    assert (await fetcher.fetch_document(remote.url("/notes/1")))["type"] == "Note"


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/html; charset=utf-8", "application/ld+json", ""]
)
async def test_other_content_types_are_refused(remote: FakeRemote, fetcher: Fetcher, content_type: str) -> None:
    remote.serve_json("/notes/1", note(remote, "/notes/1"), content_type=content_type)
    with pytest.raises(FetchError, match="not an ActivityStreams type"):
        await fetcher.fetch_document(remote.url("/notes/1"))


async def test_declared_body_over_one_mebibyte_is_refused(remote: FakeRemote, fetcher: Fetcher) -> None:
    big = {"id": remote.url("/big"), "content": "x" * (1024 * 1024)}
    remote.serve_json("/big", big)
    with pytest.raises(FetchError, match="exceeds 1048576"):
        await fetcher.fetch_document(remote.url("/big"))


async def test_streamed_body_over_one_mebibyte_is_abandoned_early(remote: FakeRemote, fetcher: Fetcher) -> None:
    chunk = b" " * 65536
    total_chunks = 1024  # 64 MiB offered, with no Content-Length
    sent: list[int] = []

    async def endless(request: Request) -> Response:
        async def body() -> AsyncIterator[bytes]:
            yield b'{"id": "x", "pad": "'
            for _ in range(total_chunks):
                # uvicorn drops writes after a disconnect without telling the app, so ask.
                if await request.is_disconnected():
                    return
                sent.append(len(chunk))
                yield chunk

        return StreamingResponse(body(), media_type=ACTIVITY_JSON)

    remote.on("/endless", endless)
    with pytest.raises(FetchError, match="body exceeds 1048576 bytes"):
        await fetcher.fetch_document(remote.url("/endless"))
    await asyncio.sleep(0.2)
    assert sum(sent) < total_chunks * len(chunk) // 4


async def test_gzip_body_is_decoded(remote: FakeRemote, fetcher: Fetcher) -> None:
    body = gzip.compress(json.dumps(note(remote, "/zipped")).encode())

    async def zipped(request: Request) -> Response:
        return Response(body, media_type=ACTIVITY_JSON, headers={"Content-Encoding": "gzip"})

    remote.on("/zipped", zipped)
    assert (await fetcher.fetch_document(remote.url("/zipped")))["type"] == "Note"
    assert dict(remote.requests[0].headers)["accept-encoding"] == "gzip"


async def test_gzip_bomb_is_stopped_at_the_cap(remote: FakeRemote, fetcher: Fetcher) -> None:
    bomb = gzip.compress(b'{"id": "' + b"x" * (64 * 1024 * 1024) + b'"}')  # 64 MiB in ~64 KiB

    async def exploding(request: Request) -> Response:
        return Response(bomb, media_type=ACTIVITY_JSON, headers={"Content-Encoding": "gzip"})

    remote.on("/bomb", exploding)
    with pytest.raises(FetchError, match="body exceeds 1048576 bytes"):
        await fetcher.fetch_document(remote.url("/bomb"))


async def test_unrequested_content_encoding_is_refused(remote: FakeRemote, fetcher: Fetcher) -> None:
    async def brotli(request: Request) -> Response:
        return Response(b"\x0b\x02\x80{}\x03", media_type=ACTIVITY_JSON, headers={"Content-Encoding": "br"})

    remote.on("/br", brotli)
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        await fetcher.fetch_document(remote.url("/br"))


async def test_document_id_must_equal_url_fetched(remote: FakeRemote, fetcher: Fetcher) -> None:
    remote.serve_json("/notes/1", note(remote, "/notes/2"))
    with pytest.raises(FetchError, match="differs from the URL fetched"):
        await fetcher.fetch_document(remote.url("/notes/1"))
    assert (await fetcher.fetch_document(remote.url("/notes/1"), check_id=False))["id"] == remote.url("/notes/2")


async def test_id_comparison_is_exact(remote: FakeRemote, fetcher: Fetcher) -> None:
    remote.serve_json("/notes/1", {**note(remote, "/notes/1"), "id": remote.url("/notes/1/")})
    with pytest.raises(FetchError, match="differs"):
        await fetcher.fetch_document(remote.url("/notes/1"))


def chain_redirects(remote: FakeRemote, hops: int) -> str:
    """/hop{hops} → … → /hop1 → /target; returns the first URL."""
    remote.serve_json("/target", note(remote, "/target"))
    for hop in range(1, hops + 1):
        remote.redirect(f"/hop{hop}", "/target" if hop == 1 else remote.url(f"/hop{hop - 1}"))
    return remote.url(f"/hop{hops}")


async def test_three_redirects_are_followed_and_id_matches_final_url(remote: FakeRemote, fetcher: Fetcher) -> None:
    document = await fetcher.fetch_document(chain_redirects(remote, 3))
    assert document["id"] == remote.url("/target")
    assert [seen.path for seen in remote.requests] == ["/hop3", "/hop2", "/hop1", "/target"]
    # Every hop is signed afresh for its own URL.
    assert all(any(name == "signature" for name, _ in seen.headers) for seen in remote.requests)


async def test_four_redirects_are_refused(remote: FakeRemote, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="more than 3 redirects"):
        await fetcher.fetch_document(chain_redirects(remote, 4))
    assert remote.hits("/target") == 0


async def test_redirect_without_location_is_refused(remote: FakeRemote, fetcher: Fetcher) -> None:
    async def broken(request: Request) -> Response:
        return Response(status_code=301)

    remote.on("/moved", broken)
    with pytest.raises(FetchError, match="without a Location"):
        await fetcher.fetch_document(remote.url("/moved"))


async def test_not_found_and_gone(remote: FakeRemote, fetcher: Fetcher) -> None:
    remote.serve_json("/gone", {"error": "deleted"}, status=410)
    with pytest.raises(FetchError) as missing:
        await fetcher.fetch_document(remote.url("/missing"))
    assert (missing.value.status, missing.value.gone) == (404, False)
    with pytest.raises(FetchError) as gone:
        await fetcher.fetch_document(remote.url("/gone"))
    assert (gone.value.status, gone.value.gone) == (410, True)


async def test_server_error_is_a_fetch_error_with_status(remote: FakeRemote, fetcher: Fetcher) -> None:
    remote.serve_json("/broken", {"error": "oops"}, status=503)
    with pytest.raises(FetchError) as failure:
        await fetcher.fetch_document(remote.url("/broken"))
    assert (failure.value.status, failure.value.gone) == (503, False)


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json", b'{"id": NaN}', b"[" * 100_000])
async def test_body_must_be_a_json_object(remote: FakeRemote, fetcher: Fetcher, body: bytes) -> None:
    async def answer(request: Request) -> Response:
        return Response(body, media_type=ACTIVITY_JSON)

    remote.on("/odd", answer)
    with pytest.raises(FetchError, match="JSON"):
        await fetcher.fetch_document(remote.url("/odd"))


async def test_slow_server_hits_the_deadline(remote: FakeRemote, fetcher: Fetcher) -> None:
    release = asyncio.Event()

    async def stalled(request: Request) -> Response:
        await release.wait()
        return JSONResponse(note(remote, "/slow"), media_type=ACTIVITY_JSON)

    remote.on("/slow", stalled)
    fetcher.deadline = 0.3
    try:
        with pytest.raises(FetchError, match=r"within 0\.3 s"):
            await fetcher.fetch_document(remote.url("/slow"))
    finally:
        release.set()


async def test_connection_refused_is_a_fetch_error(remote: FakeRemote, fetcher: Fetcher) -> None:
    await remote.stop()
    with pytest.raises(FetchError, match="request failed"):
        await fetcher.fetch_document(remote.url("/notes/1"))


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "/relative", "https://user:pw@example.com/x", "http://[::1/x", "http://a:99999/"]
)
async def test_unusable_urls_are_refused_before_any_request(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchError):
        await fetcher.fetch_document(url)


async def test_webfinger_json_is_read_unsigned_whatever_its_type(remote: FakeRemote, fetcher: Fetcher) -> None:
    remote.serve_json("/.well-known/webfinger", {"subject": "acct:a@b"}, content_type="application/json")
    assert await fetcher.fetch_json(remote.url("/.well-known/webfinger")) == {"subject": "acct:a@b"}
    [seen] = remote.requests
    assert "signature" not in dict(seen.headers)
    assert dict(seen.headers)["accept"] == "application/jrd+json, application/json"
