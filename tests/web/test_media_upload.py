"""`POST /api/media` through real HTTP requests: what is stored, what is refused, how files are served."""

from __future__ import annotations

import dataclasses
import io
import re
import wave
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import ExifTags, Image

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.captions import MAX_CAPTIONS_BYTES
from fediverse_hit.services.tokens import create_token
from fediverse_hit.settings import Settings
from fediverse_hit.store.media_attachments import attach_media, attachments_of, list_unattached_media
from fediverse_hit.store.models import Account, Contribution, MediaAttachment

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "media"
PASSWORD = "correct horse battery"
IMAGE_LIMIT = 300 * 1024
AV_LIMIT = 600 * 1024
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = b"<!DOCTYPE html><html><body><script>fetch('/settings/tokens')</script></body></html>"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so the size tests need no large files."""
    return dataclasses.replace(settings, max_image_bytes=IMAGE_LIMIT, max_av_bytes=AV_LIMIT)


@pytest.fixture
async def alice(urls: InstanceUrls) -> Account:
    return await create_account("alice", PASSWORD, urls)


@pytest.fixture
async def alice_token(alice: Account) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_token(alice, 'uploads')}"}


@pytest.fixture
async def bob_token(urls: InstanceUrls) -> dict[str, str]:
    bob = await create_account("bob", PASSWORD, urls)
    return {"Authorization": f"Bearer {await create_token(bob, 'uploads')}"}


def photo_with_gps(size: tuple[int, int] = (800, 600), kind: str = "JPEG") -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0)})
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, kind, exif=exif)
    return buffer.getvalue()


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\x01\x00" * int(seconds * rate))
    return buffer.getvalue()


def stored_files(settings: Settings) -> list[Path]:
    return sorted(path for path in settings.media_dir.rglob("*") if path.is_file())


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    file: tuple[str, bytes, str],
    description: str = "",
    **extra: tuple[str, bytes, str],
) -> httpx.Response:
    return await client.post("/api/media", headers=headers, data={"description": description}, files={"file": file, **extra})


async def served(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    return await client.get(httpx.URL(url).path, headers=headers)


async def test_photo_is_stored_without_gps_with_size_preview_and_blurhash(
    client: httpx.AsyncClient, alice_token: dict[str, str], settings: Settings
) -> None:
    response = await upload(client, alice_token, ("photo.jpg", photo_with_gps(), "image/jpeg"), "A lake at dawn")
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["type"] == "Document" and body["mediaType"] == "image/jpeg"
    assert (body["name"], body["width"], body["height"]) == ("A lake at dawn", 800, 600)
    assert re.fullmatch(r"[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{36}", body["blurhash"])
    assert body["url"].startswith("http://hit.test/media/") and body["previewUrl"] != body["url"]

    file = await served(client, body["url"])
    with Image.open(io.BytesIO(file.content)) as image:
        assert not image.getexif() and "exif" not in image.info
    assert b"PhoneCo" not in file.content
    preview = await served(client, body["previewUrl"])
    assert preview.headers["content-type"] == "image/webp"
    row = await MediaAttachment.get(id=int(body["id"]))
    assert (row.kind, row.contribution_id, row.size_bytes) == ("image", None, len(file.content))
    assert len(stored_files(settings)) == 2


async def test_png_with_gps_keeps_dimensions(client: httpx.AsyncClient, alice_token: dict[str, str]) -> None:
    response = await upload(client, alice_token, ("drawing.png", photo_with_gps((300, 500), "PNG"), "image/png"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["mediaType"], body["width"], body["height"]) == ("image/png", 300, 500)
    with Image.open(io.BytesIO((await served(client, body["url"])).content)) as image:
        assert image.format == "PNG" and not image.getexif()


async def test_html_sent_as_png_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, alice_token: dict[str, str], settings: Settings
) -> None:
    response = await upload(client, alice_token, ("cat.png", HTML, "image/png"))
    assert response.status_code == 422
    assert response.json() == {"error": "This file is an HTML document, not a PNG image."}
    assert stored_files(settings) == []
    assert await MediaAttachment.all().count() == 0


async def test_png_declared_as_mp3_is_refused(client: httpx.AsyncClient, alice_token: dict[str, str]) -> None:
    response = await upload(client, alice_token, ("song.mp3", photo_with_gps(kind="PNG"), "audio/mpeg"))
    assert response.status_code == 422
    assert response.json()["error"] == "This file is a PNG image, not an MP3 audio file."


async def test_png_polyglot_loses_its_html_payload(client: httpx.AsyncClient, alice_token: dict[str, str]) -> None:
    polyglot = photo_with_gps((64, 64), "PNG") + HTML
    response = await upload(client, alice_token, ("cat.png", polyglot, "image/png"))
    assert response.status_code == 201, response.text
    file = await served(client, response.json()["url"])
    assert b"<script" not in file.content and b"<html" not in file.content.lower()


@pytest.mark.parametrize(
    ("name", "content_type", "message"),
    [
        ("fixture.zip", "application/zip", "This file (a ZIP archive) is not supported."),
        ("fixture-minimal.pdf", "application/pdf", "This file (a PDF document) is not supported."),
        ("fixture.mov", "video/quicktime", "QuickTime (.mov) videos are not accepted"),
    ],
)
async def test_unsupported_types_are_422(
    client: httpx.AsyncClient, alice_token: dict[str, str], settings: Settings, name: str, content_type: str, message: str
) -> None:
    response = await upload(client, alice_token, (name, (FIXTURES / name).read_bytes(), content_type))
    assert response.status_code == 422
    assert message in response.json()["error"]
    assert stored_files(settings) == []


async def test_image_over_its_limit_is_413_even_under_the_av_limit(
    client: httpx.AsyncClient, alice_token: dict[str, str], settings: Settings
) -> None:
    padded = photo_with_gps((64, 64), "PNG") + b"\0" * IMAGE_LIMIT
    response = await upload(client, alice_token, ("big.png", padded, "image/png"))
    assert response.status_code == 413
    assert response.json()["error"] == "This image file is too large: up to 0.292969 MiB is accepted."
    assert stored_files(settings) == []


async def test_body_over_the_request_cap_is_413_before_parsing(
    client: httpx.AsyncClient, alice_token: dict[str, str], settings: Settings
) -> None:
    response = await upload(client, alice_token, ("long.wav", b"\0" * (AV_LIMIT + IMAGE_LIMIT + MAX_CAPTIONS_BYTES + 70_000), "audio/wav"))
    assert response.status_code == 413
    assert "images up to" in response.json()["error"]
    assert stored_files(settings) == []


async def test_chunked_body_without_length_is_cut_at_the_cap(
    client: httpx.AsyncClient, alice_token: dict[str, str], settings: Settings
) -> None:
    boundary = "hitboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield head
        for _ in range(200):  # 12.8 MB if nobody stops reading
            sent += 64 * 1024
            yield b"\0" * (64 * 1024)

    response = await client.post(
        "/api/media",
        headers={**alice_token, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=_async(body()),
    )
    assert response.status_code == 413
    assert sent < AV_LIMIT + IMAGE_LIMIT + MAX_CAPTIONS_BYTES + 200 * 1024
    assert stored_files(settings) == []


async def _async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def test_wav_duration_and_range_requests(client: httpx.AsyncClient, alice_token: dict[str, str]) -> None:
    response = await upload(client, alice_token, ("take.wav", wav_bytes(2.5), "audio/wav"), "First take")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["mediaType"], body["duration"], body["name"]) == ("audio/wav", "PT2.5S", "First take")
    assert "width" not in body and body["blurhash"] is None

    whole = await served(client, body["url"])
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert whole.headers["cache-control"] == "public, max-age=86400, immutable"
    part = await served(client, body["url"], Range="bytes=1000-1999")
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(whole.content)}"
    assert part.content == whole.content[1000:2000]


@pytest.mark.parametrize(
    ("name", "content_type", "media_type", "duration"),
    [
        ("silence-44-s.mp3", "audio/mpeg", "audio/mpeg", "PT3.768S"),
        ("empty.ogg", "audio/ogg", "audio/ogg", "PT3.685S"),
        ("no-tags.m4a", "audio/mp4", "audio/mp4", "PT3.708S"),
        ("fixture-head.webm", "video/webm", "video/webm", "PT0.072S"),
    ],
)
async def test_real_audio_and_video_are_stored_as_uploaded(
    client: httpx.AsyncClient,
    alice_token: dict[str, str],
    name: str,
    content_type: str,
    media_type: str,
    duration: str,
) -> None:
    original = (FIXTURES / name).read_bytes()
    response = await upload(client, alice_token, (name, original, content_type))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["mediaType"], body["duration"]) == (media_type, duration)
    file = await served(client, body["url"])
    assert file.content == original and file.headers["content-type"] == media_type


async def test_audio_cover_is_cleaned_and_becomes_the_icon(
    client: httpx.AsyncClient, alice_token: dict[str, str]
) -> None:
    cover = ("cover.jpg", photo_with_gps((200, 200)), "image/jpeg")
    response = await upload(client, alice_token, ("take.wav", wav_bytes(1), "audio/wav"), thumbnail=cover)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["icon"]["type"] == "Image" and body["icon"]["mediaType"] == "image/jpeg"
    assert body["blurhash"] and body["previewUrl"] == body["icon"]["url"]
    assert b"PhoneCo" not in (await served(client, body["icon"]["url"])).content

    bad_cover = ("cover.png", HTML, "image/png")
    refused = await upload(client, alice_token, ("take.wav", wav_bytes(1), "audio/wav"), thumbnail=bad_cover)
    assert refused.status_code == 422


async def test_upload_needs_a_token_or_a_session(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await upload(client, {}, ("take.wav", wav_bytes(1), "audio/wav"))
    assert response.status_code == 401
    forged = await upload(client, {"Authorization": "Bearer not-a-token"}, ("take.wav", wav_bytes(1), "audio/wav"))
    assert forged.status_code == 401
    assert stored_files(settings) == []


async def test_session_upload_needs_the_csrf_token(client: httpx.AsyncClient, alice: Account) -> None:
    login = CSRF.search((await client.get("/login")).text)
    assert login
    logged_in = await client.post("/login", data={"csrf_token": login.group(1), "username": "alice", "password": PASSWORD})
    assert logged_in.status_code == 303
    file = {"file": ("take.wav", wav_bytes(1), "audio/wav")}
    assert (await client.post("/api/media", data={"csrf_token": "forged"}, files=file)).status_code == 403
    token = CSRF.search((await client.get("/settings")).text)
    assert token
    response = await client.post("/api/media", data={"csrf_token": token.group(1)}, files=file)
    assert response.status_code == 201, response.text


async def test_missing_file_part_is_422(client: httpx.AsyncClient, alice_token: dict[str, str]) -> None:
    response = await client.post("/api/media", headers=alice_token, data={"description": "nothing"}, files={})
    assert response.status_code == 422
    assert response.json()["error"] == "Choose a file to upload (the multipart field `file`)."


async def test_only_the_owner_can_attach_and_only_once(
    client: httpx.AsyncClient, alice: Account, alice_token: dict[str, str], bob_token: dict[str, str]
) -> None:
    mine = (await upload(client, alice_token, ("take.wav", wav_bytes(1), "audio/wav"))).json()
    theirs = (await upload(client, bob_token, ("take.wav", wav_bytes(2), "audio/wav"))).json()
    actor = await alice.actor
    post = await Contribution.create(uri="http://hit.test/contributions/1", author=actor, local=True, published_at=datetime.now(UTC))
    with pytest.raises(ValidationFailed, match="not one of your unattached uploads"):
        await attach_media(post.id, actor.id, [int(mine["id"]), int(theirs["id"])])
    assert await MediaAttachment.filter(contribution_id=post.id).count() == 0  # all or nothing

    attached = await attach_media(post.id, actor.id, [int(mine["id"])])
    assert [(item.id, item.position) for item in attached] == [(int(mine["id"]), 0)]
    with pytest.raises(ValidationFailed, match="not one of your unattached uploads"):
        await attach_media(post.id, actor.id, [int(mine["id"])])
    assert [item.id for item in (await attachments_of([post.id]))[post.id]] == [int(mine["id"])]
    assert await list_unattached_media(actor.id) == []


