"""Media extras through real uploads: a poster frame taken from a video given no cover (ffmpeg),
WebVTT caption tracks (and everything that only pretends to be one), and how cards show images:
a link to the full file (the lightbox's no-script fallback) and an ALT badge with the description."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from PIL import Image

from fediverse_hit.services.tokens import create_token
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, MediaAttachment
from tests.asgi_forms import HTML
from tests.web.test_media_capabilities import png, publish, wav

pytestmark = pytest.mark.anyio

VTT = b"WEBVTT - made for a test\n\n00:00.000 --> 00:01.500\nThe red screen hums.\n"
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None and not os.environ.get("CI"),  # CI installs it (.ci/run): there it must run
    reason="ffmpeg is not installed (apt-get install ffmpeg)",
)


def red_video(tmp_path: Path) -> bytes:
    """Two seconds of a red 64×48 picture in MP4 (MPEG-4 Part 2, an encoder every ffmpeg build has)."""
    out = tmp_path / "red.mp4"
    command = ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=red:size=64x48:rate=10",
               "-t", "2", "-c:v", "mpeg4", "-pix_fmt", "yuv420p", str(out)]  # fmt: skip
    subprocess.run(command, check=True, timeout=60)  # noqa: S603
    return out.read_bytes()


async def upload(client: httpx.AsyncClient, token: str, **files: tuple[str, bytes, str]) -> httpx.Response:
    return await client.post("/api/media", headers={"Authorization": f"Bearer {token}"}, files=files)


@pytest.fixture
async def token(alice: Account) -> str:
    return await create_token(alice, "uploads")


def stored_files(media_dir: Path) -> set[Path]:
    return {path for path in media_dir.rglob("*") if path.is_file()} if media_dir.exists() else set()


@needs_ffmpeg
async def test_a_video_without_a_cover_gets_a_poster_frame_from_itself(
    client: httpx.AsyncClient, token: str, tmp_path: Path
) -> None:
    response = await upload(client, token, file=("red.mp4", red_video(tmp_path), "video/mp4"))
    assert response.status_code == 201, response.text
    media = await MediaAttachment.get(id=int(response.json()["id"]))
    assert media.cover_filename and media.cover_filename.endswith(".jpg")
    assert (media.width, media.height) == (64, 48)  # the frame's shape is the video's
    poster = await client.get(response.json()["previewUrl"])
    red, green, blue = Image.open(io.BytesIO(poster.content)).convert("RGB").getpixel((32, 24))
    assert red > 200 and green < 60 and blue < 60  # a frame of the video, not a placeholder


@needs_ffmpeg
async def test_a_cover_given_with_the_video_is_kept(client: httpx.AsyncClient, token: str, tmp_path: Path) -> None:
    response = await upload(
        client, token, file=("red.mp4", red_video(tmp_path), "video/mp4"), thumbnail=("c.png", png((0, 0, 255)), "image/png")
    )
    poster = await client.get(response.json()["previewUrl"])
    assert Image.open(io.BytesIO(poster.content)).convert("RGB").getpixel((10, 10))[2] > 200  # blue: the given cover


async def test_without_ffmpeg_a_video_is_stored_without_a_poster(
    client: httpx.AsyncClient, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fediverse_hit.services.poster_frames.ffmpeg_path", lambda: None)
    video = (Path(__file__).parent.parent / "fixtures" / "media" / "fixture-isom.mp4").read_bytes()
    response = await upload(client, token, file=("clip.mp4", video, "video/mp4"))
    assert response.status_code == 201 and response.json()["previewUrl"] is None


@needs_ffmpeg
async def test_captions_become_a_track_on_the_work_page(
    client: httpx.AsyncClient, alice: Account, tmp_path: Path
) -> None:
    path = await publish(
        client,
        {"file_1": ("red.mp4", red_video(tmp_path), "video/mp4"), "captions_1": ("red.vtt", VTT, "text/vtt")},
        title="Red room",
        alt_1="A red screen",
    )
    page = (await client.get(path, headers=HTML)).text
    track = re.search(r'<track kind="captions" src="([^"]+)" label="Captions"[^>]*default>', page)
    assert track, "no caption track on the page"
    served = await client.get(track.group(1))
    assert served.status_code == 200 and served.content == VTT
    assert served.headers["content-type"].startswith("text/vtt")
    assert "sandbox" in served.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("name", "data", "declared", "message"),
    [
        ("fake.vtt", png(), "text/vtt", "not text"),  # an image renamed and declared as WebVTT
        ("page.vtt", b"<!DOCTYPE html><script>alert(1)</script>", "text/vtt", "not WebVTT"),  # HTML posing as captions
        ("subs.srt", b"1\n00:00:00,000 --> 00:00:01,000\nHello\n", "application/x-subrip", "not WebVTT"),  # SRT
        ("near.vtt", b"WEBVTTX\n\n00:00.000 --> 00:01.000\nHi\n", "text/vtt", "not WebVTT"),  # signature not alone
        ("nul.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nH\x00i\n", "text/vtt", "NUL"),
        ("huge.vtt", b"WEBVTT\n\n" + b"x" * (512 * 1024), "text/vtt", "too large"),
    ],
)
async def test_files_that_only_pretend_to_be_captions_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, token: str, settings: Settings, name: str, data: bytes, declared: str, message: str
) -> None:
    video = (Path(__file__).parent.parent / "fixtures" / "media" / "fixture-head.webm").read_bytes()
    media_dir = settings.media_dir
    before = stored_files(media_dir)
    response = await upload(client, token, file=("clip.webm", video, "video/webm"), captions=(name, data, declared))
    assert response.status_code in (413, 422) and message in response.text
    assert stored_files(media_dir) == before and await MediaAttachment.all().count() == 0


async def test_captions_on_audio_are_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await upload(client, token, file=("take.wav", wav(), "audio/wav"), captions=("a.vtt", VTT, "text/vtt"))
    assert response.status_code == 422 and "video only" in response.text


async def test_an_image_links_to_its_full_file_and_shows_an_alt_badge(client: httpx.AsyncClient, alice: Account) -> None:
    described = await publish(client, {"file_1": ("sea.png", png(), "image/png")}, title="Sea", alt_1="Waves at dusk")
    bare = await publish(client, {"file_1": ("sky.png", png((9, 9, 9)), "image/png")}, title="Sky")
    page = (await client.get(described, headers=HTML)).text
    link = re.search(r'<a href="([^"]+)" class="lightbox-link" data-lightbox><img src="([^"]+)"', page)
    assert link and link.group(1).endswith(".png")  # without scripts the link opens the full image
    assert re.search(r'<summary>ALT<span class="visually-hidden"> text of image 1</span></summary>\s*<p>Waves at dusk</p>', page)
    assert "alt-badge" not in (await client.get(bare, headers=HTML)).text  # no description, no badge
