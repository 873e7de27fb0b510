"""The settings pages through real forms: profile and avatar, media serving, access tokens."""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Any

import httpx
import pytest
from PIL import ExifTags, Image

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, Actor

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery"
AS_ACCEPT = "application/activity+json"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FilesArg = dict[str, tuple[str, bytes, str]]


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
async def alice(client: httpx.AsyncClient, urls: InstanceUrls) -> Account:
    """Alice, logged in through the login form on `client`."""
    account = await create_account("alice", PASSWORD, urls)
    token = await csrf_from(client, "/login")
    response = await client.post("/login", data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert response.status_code == 303
    return account


async def post_profile(client: httpx.AsyncClient, files: FilesArg | None = None, /, **fields: str) -> httpx.Response:
    """Submit the profile form as a browser does (multipart, with the page's CSRF token)."""
    data = {"csrf_token": await csrf_from(client, "/settings"), **fields}
    return await client.post("/settings", data=data, files=files or {"avatar": ("", b"", "application/octet-stream")})


def make_image(size: tuple[int, int], kind: str = "PNG", exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 40, 90))
    if exif is None:
        image.save(buffer, kind)
    else:
        image.save(buffer, kind, exif=exif)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims `width`×`height` pixels: what a decompression bomb looks like up front."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


async def actor_document(client: httpx.AsyncClient, username: str = "alice") -> dict[str, Any]:
    response = await client.get(f"/users/{username}", headers={"Accept": AS_ACCEPT})
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def stored_actor() -> Actor:
    return await Actor.get(username="alice", kind="Person")


async def test_settings_need_a_login(client: httpx.AsyncClient) -> None:
    page = await client.get("/settings", headers={"Accept": "text/html"})
    assert page.status_code == 401
    assert "/login?next=" in page.text
    assert (await client.get("/settings/tokens")).status_code == 401


async def test_profile_form_labels_every_input(client: httpx.AsyncClient, alice: Account) -> None:
    page = (await client.get("/settings")).text
    input_ids = re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', page)
    assert len(input_ids) >= 20
    for input_id in input_ids:
        assert f'<label for="{input_id}"' in page, input_id
    assert 'enctype="multipart/form-data"' in page


async def test_profile_edit_shows_on_profile_page_and_in_actor_document(
    client: httpx.AsyncClient, alice: Account
) -> None:
    avatar = {"avatar": ("me.png", make_image((800, 600)), "image/png")}
    response = await post_profile(
        client,
        avatar,
        display_name="Alice Liddell",
        bio="I draw rabbits.\n\nAnd <b>clocks</b>.",
        avatar_alt="A white rabbit holding a pocket watch",
        field_name_0="Pronouns",
        field_value_0="she/her",
        field_name_1="Site",
        field_value_1="https://alice.example/",
        payment_name_0="Tip jar",
        payment_url_0="https://pay.example/alice",
        manually_approves_followers="on",
        hide_collections="on",
    )
    assert response.status_code == 303
    assert (await client.get(response.headers["location"])).text.count("Your profile was saved.") == 1

    page = (await client.get("/@alice")).text
    assert "<h1 id=\"profile-name\">Alice Liddell</h1>" in page
    assert "<p>I draw rabbits.</p>" in page and "&lt;b&gt;clocks&lt;/b&gt;" in page
    assert "<dt>Pronouns</dt>" in page and "she/her" in page
    assert 'alt="A white rabbit holding a pocket watch"' in page
    assert 'href="https://pay.example/alice" rel="payment' in page

    actor = await actor_document(client)
    assert actor["name"] == "Alice Liddell"
    assert actor["summary"] == "<p>I draw rabbits.</p><p>And &lt;b&gt;clocks&lt;/b&gt;.</p>"
    assert actor["manuallyApprovesFollowers"] is True
    assert {"type": "PropertyValue", "name": "Pronouns", "value": "she/her"} in actor["attachment"]
    assert {"type": "Link", "name": "Tip jar", "href": "https://pay.example/alice", "rel": "payment"} in actor["attachment"]
    icon = actor["icon"]
    assert icon["type"] == "Image" and icon["mediaType"] == "image/png"
    assert icon["name"] == "A white rabbit holding a pocket watch"
    assert re.fullmatch(r"http://hit\.test/media/[0-9a-f]{32}\.png", icon["url"])
    assert (await Account.get(id=alice.id)).hide_collections is True


async def test_invalid_profile_shows_every_error_and_changes_nothing(
    client: httpx.AsyncClient, alice: Account
) -> None:
    response = await post_profile(
        client,
        display_name="N" * 101,
        bio="b" * 2001,
        avatar_alt="a" * 1501,
        field_name_0="Only a label",
        payment_name_0="Tip jar",
        payment_url_0="http://pay.example/alice",
    )
    assert response.status_code == 422
    page = response.text
    assert 'role="alert"' in page
    assert "Display names are at most 100 characters." in page
    assert "The bio is at most 2,000 characters" in page
    assert "Alt text is at most 1,500 characters." in page
    assert "Give this field both a label and a content." in page
    assert "Payment links must be https:// addresses" in page
    assert 'aria-describedby="display_name-help display_name-error" aria-invalid="true"' in page
    assert 'value="Only a label"' in page  # what was typed is kept
    actor = await stored_actor()
    assert (actor.name, actor.summary, actor.profile_fields, actor.payment_links) == ("alice", "", [], [])


async def test_too_many_fields_are_refused(client: httpx.AsyncClient, alice: Account) -> None:
    extra = {f"field_name_{i}": f"Label {i}" for i in range(6)} | {f"field_value_{i}": "x" for i in range(6)}
    response = await post_profile(client, **extra)
    assert response.status_code == 303  # the form offers 4 rows: rows beyond them are not read
    assert len((await stored_actor()).profile_fields) == 4


async def test_oversized_avatar_is_413_and_changes_nothing(
    client: httpx.AsyncClient, alice: Account, settings: Settings
) -> None:
    just_over = {"avatar": ("big.png", b"\0" * (settings.max_avatar_bytes + 1), "image/png")}
    response = await post_profile(client, just_over, display_name="Changed")
    assert response.status_code == 413
    assert "The avatar is too large: images up to 4 MiB are accepted." in response.text

    far_over = {"avatar": ("huge.png", b"\0" * (settings.max_avatar_bytes * 2), "image/png")}
    response = await post_profile(client, far_over, display_name="Changed")
    assert response.status_code == 413
    assert "The avatar is too large" in response.text
    actor = await stored_actor()
    assert actor.name == "alice" and actor.icon_url == ""


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("avatar.png", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("avatar.png", b"GIF89a but not really"),
        ("avatar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("empty.png", b""),
    ],
)
async def test_non_image_sent_as_png_is_422_and_changes_nothing(
    client: httpx.AsyncClient, alice: Account, filename: str, content: bytes
) -> None:
    response = await post_profile(client, {"avatar": (filename, content, "image/png")}, display_name="Changed")
    assert response.status_code == 422
    assert "The avatar must be a PNG, JPEG, GIF, WebP or AVIF image" in response.text
    assert 'id="avatar-error"' in response.text
    actor = await stored_actor()
    assert actor.name == "alice" and actor.icon_url == ""


@pytest.mark.parametrize("size", [(8_000, 6_000), (100_000, 100_000)])
async def test_decompression_bomb_is_refused(client: httpx.AsyncClient, alice: Account, size: tuple[int, int]) -> None:
    response = await post_profile(client, {"avatar": ("bomb.png", png_header_only(*size), "image/png")})
    assert response.status_code == 422
    assert "too many pixels" in response.text
    assert (await stored_actor()).icon_url == ""


async def test_avatar_loses_gps_exif_and_is_shrunk(client: httpx.AsyncClient, alice: Account) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    original = make_image((1200, 900), "JPEG", exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS

    response = await post_profile(client, {"avatar": ("photo.jpg", original, "image/jpeg")}, avatar_alt="Me")
    assert response.status_code == 303
    icon_url = (await stored_actor()).icon_url
    assert icon_url.endswith(".jpg")
    served = await client.get(icon_url)
    assert served.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert image.format == "JPEG" and image.size == (400, 300)
    assert not image.getexif() and "exif" not in image.info
    assert b"Exif" not in served.content and b"PhoneCo" not in served.content


async def test_media_is_served_sandboxed_cached_and_with_ranges(client: httpx.AsyncClient, alice: Account) -> None:
    await post_profile(client, {"avatar": ("me.png", make_image((64, 64)), "image/png")}, avatar_alt="Dot")
    icon_url = (await stored_actor()).icon_url
    whole = await client.get(icon_url)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "image/png"
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert whole.headers["cache-control"] == "public, max-age=86400, immutable"
    assert whole.headers["accept-ranges"] == "bytes"

    part = await client.get(icon_url, headers={"Range": "bytes=0-15"})
    assert part.status_code == 206
    assert part.content == whole.content[:16]
    assert part.headers["content-range"] == f"bytes 0-15/{len(whole.content)}"


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "0" * 64 + ".png",
        "/media/..%2Fsecret.key",
        "/media/..%2F..%2Fsecret.key",
        "/media/%2e%2e%2fsecret.key",
        "/media/secret.key",
        "/media/" + "0" * 64 + ".html",
        "/media/" + "0" * 64 + ".png%00.html",
    ],
)
async def test_unknown_media_and_path_traversal_are_404(
    client: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    (settings.media_dir / "secret.key").write_text("top secret")
    response = await client.get(path)
    assert response.status_code == 404
    assert "top secret" not in response.text
    assert settings.secret_path.read_text() not in response.text


async def test_remove_avatar(client: httpx.AsyncClient, alice: Account) -> None:
    await post_profile(client, {"avatar": ("me.png", make_image((64, 64)), "image/png")}, avatar_alt="Dot")
    assert (await stored_actor()).icon_url
    assert (await post_profile(client, remove_avatar="on")).status_code == 303
    actor = await stored_actor()
    assert (actor.icon_url, actor.icon_alt) == ("", "")
    assert "icon" not in await actor_document(client)


async def test_profile_post_with_forged_csrf_changes_nothing(client: httpx.AsyncClient, alice: Account) -> None:
    await client.get("/settings")
    response = await client.post("/settings", data={"csrf_token": "forged", "display_name": "Hacked"})
    assert response.status_code == 403
    response = await client.post("/settings", data={"display_name": "Hacked"})
    assert response.status_code == 403
    assert (await stored_actor()).name == "alice"


async def test_header_image_is_shrunk_published_and_shown_on_the_profile(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    header = {"header": ("wide.png", make_image((3000, 1000)), "image/png")}
    response = await post_profile(client, header, header_alt="A beach at low tide")
    assert response.status_code == 303

    actor = await Actor.get(username="alice", local=True)
    document = (await anonymous.get("/users/alice", headers={"Accept": "application/activity+json"})).json()
    assert document["image"] == {"type": "Image", "mediaType": "image/png", "url": actor.image_url, "name": "A beach at low tide"}
    stored = Image.open(io.BytesIO((await anonymous.get(actor.image_url)).content))
    assert stored.size == (1500, 500)
    profile = (await anonymous.get("/@alice", headers={"Accept": "text/html"})).text
    assert f'<img class="profile-banner" src="{actor.image_url}" alt="A beach at low tide">' in profile

    # Tried: a "header" that is a page with a script; the old header stays.
    refused = await post_profile(client, {"header": ("x.png", b"<html><script>alert(1)</script>", "image/png")})
    assert refused.status_code == 422 and 'id="header-error"' in refused.text
    assert (await Actor.get(id=actor.id)).image_url == actor.image_url

    removed = await post_profile(client, remove_header="on")
    assert removed.status_code == 303
    assert (await Actor.get(id=actor.id)).image_url == ""
