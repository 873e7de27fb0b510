"""Format detection, EBML, duration probing and image cleaning on real files (tests/fixtures/media/README.md)."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

import pytest
from PIL import Image

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.services import media_sniffing as formats
from fediverse_hit.services.av_probe import probe_av
from fediverse_hit.services.ebml import doc_type, segment_duration
from fediverse_hit.services.images import BLURHASH_COMPONENTS, clean_media_image, encode_blurhash
from fediverse_hit.services.media_sniffing import check_upload, sniff_format
from fediverse_hit.settings import load_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "media"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


def image_bytes(kind: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 40, 90) if mode == "RGB" else (200, 40, 90, 128)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "media_type", "extension"),
    [
        ("silence-44-s.mp3", "audio/mpeg", "mp3"),
        ("empty.ogg", "audio/ogg", "ogg"),
        ("fixture.opus", "audio/ogg", "opus"),
        ("no-tags.flac", "audio/flac", "flac"),
        ("no-tags.m4a", "video/mp4", "mp4"),  # generic brand: only probing shows it is audio
        ("fixture-isom.mp4", "video/mp4", "mp4"),
        ("fixture-head.webm", "video/webm", "webm"),
    ],
)
def test_real_audio_and_video_are_recognised(name: str, media_type: str, extension: str) -> None:
    found = sniff_format(io.BytesIO(fixture(name)))
    assert found is not None
    assert (found.media_type, found.extension) == (media_type, extension)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (image_bytes("PNG"), formats.PNG),
        (image_bytes("JPEG"), formats.JPEG),
        (image_bytes("GIF"), formats.GIF),
        (image_bytes("WEBP"), formats.WEBP),
        (image_bytes("AVIF"), formats.AVIF),
        (wav_bytes(0.1), formats.WAV),
    ],
)
def test_generated_images_and_wav_are_recognised(data: bytes, expected: formats.MediaFormat) -> None:
    assert sniff_format(io.BytesIO(data)) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fixture.mov", "QuickTime (.mov) videos are not accepted"),
        ("fixture-head.mkv", "Matroska (.mkv) videos are not accepted"),
        ("fixture.zip", "This file (a ZIP archive) is not supported."),
        ("fixture-minimal.pdf", "This file (a PDF document) is not supported."),
    ],
)
def test_known_but_unaccepted_formats_are_refused_with_a_reason(name: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_upload(io.BytesIO(fixture(name)), None, name)
    assert message in refused.value.message


def test_html_declared_as_png_names_both() -> None:
    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    with pytest.raises(ValidationFailed) as refused:
        check_upload(io.BytesIO(html), "image/png", "cat.png")
    assert refused.value.message == "This file is an HTML document, not a PNG image."


@pytest.mark.parametrize(
    ("declared", "filename", "message"),
    [
        ("audio/mpeg", "song.mp3", "This file is a PNG image, not an MP3 audio file."),
        ("image/png", "song.mp3", "This file is a PNG image, not an MP3 audio file."),
        ("image/svg+xml", None, "This file is a PNG image, not an SVG image."),
        ("text/html", None, "This file is a PNG image, not an HTML document."),
    ],
)
def test_declared_type_or_extension_that_contradicts_the_bytes_is_refused(
    declared: str, filename: str | None, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_upload(io.BytesIO(image_bytes("PNG")), declared, filename)
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("data", "declared", "filename"),
    [
        (image_bytes("PNG"), "application/octet-stream", "blob"),  # curl's default: no claim
        (image_bytes("PNG"), "image/x-png", None),  # an unknown image type is not a contradiction
        (image_bytes("JPEG"), "image/pjpeg", "photo.JPEG"),
        (fixture("no-tags.m4a"), "audio/x-m4a", "song.m4a"),  # MP4 container: audio and video agree
        (fixture("fixture.opus"), "audio/opus", "voice.opus"),
        (wav_bytes(0.1), "audio/x-wav", "take.wav"),
    ],
)
def test_agreeing_declarations_pass(data: bytes, declared: str, filename: str | None) -> None:
    check_upload(io.BytesIO(data), declared, filename)


def test_unknown_bytes_are_unsupported() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_upload(io.BytesIO(bytes(range(256)) * 4), None, None)
    assert refused.value.message.startswith("This file type is not supported.")


def test_mpeg_sync_with_reserved_fields_is_not_mp3() -> None:
    assert sniff_format(io.BytesIO(b"\xff\xfb\xf0\x00" + b"\0" * 100)) is None  # bitrate index 15
    assert sniff_format(io.BytesIO(b"\xff\xfb\x90\x64" + b"\0" * 100)) == formats.MP3


def test_id3_tag_is_skipped_to_find_flac() -> None:
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 20]) + b"\0" * 20
    assert sniff_format(io.BytesIO(tag + fixture("no-tags.flac"))) == formats.FLAC
    assert sniff_format(io.BytesIO(tag + b"<html>")) is None


# EBML: known answers from the real WebM header, then cut and damaged input.


def test_webm_doc_type_and_duration_known_answer() -> None:
    data = fixture("fixture-head.webm")
    assert doc_type(data) == "webm"
    assert segment_duration(data) == pytest.approx(0.072)  # Duration 72.0 × TimestampScale 1 ms
    assert doc_type(fixture("fixture-head.mkv")) == "matroska"


def test_webm_duration_survives_truncation_and_tampering() -> None:
    data = fixture("fixture-head.webm")
    for cut in range(0, 400, 7):
        segment_duration(data[:cut])  # never raises
    assert segment_duration(data[:300]) is None  # Info not reached yet
    duration_at = data.index(b"\x44\x89\x88")
    nan = data[: duration_at + 3] + struct.pack(">d", float("nan")) + data[duration_at + 11 :]
    assert segment_duration(nan) is None
    assert segment_duration(b"\x1a\x45\xdf\xa3\xff") is None
    assert doc_type(b"not ebml at all") is None


# Durations: the values mutagen's own tests assert for these files, and a WAV made here.


@pytest.mark.parametrize(
    ("name", "seconds", "media_type"),
    [
        ("silence-44-s.mp3", 3.77, "audio/mpeg"),
        ("empty.ogg", 3.7, "audio/ogg"),
        ("no-tags.flac", 3.7, "audio/flac"),
        ("no-tags.m4a", 3.7, "audio/mp4"),
        ("fixture-head.webm", 0.072, "video/webm"),
    ],
)
def test_durations_of_real_files(name: str, seconds: float, media_type: str) -> None:
    source = io.BytesIO(fixture(name))
    found = sniff_format(source)
    assert found is not None
    info = probe_av(source, found)
    assert info.format.media_type == media_type
    assert info.duration_seconds == pytest.approx(seconds, abs=0.05)


def test_wav_duration_from_generated_file() -> None:
    source = io.BytesIO(wav_bytes(2.5))
    assert probe_av(source, formats.WAV).duration_seconds == 2.5


def test_damaged_audio_has_no_duration_rather_than_an_error() -> None:
    damaged = fixture("silence-44-s.mp3")[:12] + b"\0" * 200
    assert probe_av(io.BytesIO(damaged), formats.MP3).duration_seconds is None
    assert probe_av(io.BytesIO(fixture("fixture-isom.mp4")), formats.MP4).duration_seconds is None


# Images: blurhash known answer, and what cleaning keeps.


def test_blurhash_known_answer_from_reference_implementation() -> None:
    with Image.open(FIXTURES / "cool_cat.jpg") as image:
        assert BLURHASH_COMPONENTS == (4, 4)
        assert encode_blurhash(image.convert("RGB")) == "UBMOZfK1GG%LBBNG,;Rj2skq=eE1s9n4S5Na"


def test_media_image_is_capped_at_mastodon_pixel_limit_and_has_preview() -> None:
    cleaned = clean_media_image(image_bytes("PNG", (4000, 3000)))
    assert cleaned.original.width * cleaned.original.height <= 8_294_400
    assert cleaned.original.width / cleaned.original.height == pytest.approx(4 / 3, abs=0.01)
    assert cleaned.thumbnail.media_type == "image/webp"
    assert cleaned.thumbnail.width * cleaned.thumbnail.height <= 230_400
    assert len(cleaned.blurhash) == 36  # 4×4 components: 1 + 1 + 4 + 2 × 15 characters
    assert cleaned.blurhash[0] == "U"  # (4 − 1) + (4 − 1) × 9 = 30 in base 83


def test_avif_is_re_encoded_as_jpeg_or_png_with_alpha() -> None:
    assert clean_media_image(image_bytes("AVIF")).original.media_type == "image/jpeg"
    transparent = clean_media_image(image_bytes("AVIF", mode="RGBA"))
    assert transparent.original.media_type == "image/png"


def test_limits_come_from_the_environment(tmp_path: Path) -> None:
    loaded = load_settings({"HIT_DATA_DIR": str(tmp_path), "HIT_MAX_IMAGE_BYTES": "1000", "HIT_MAX_AV_BYTES": "2000"})
    assert (loaded.max_image_bytes, loaded.max_av_bytes) == (1000, 2000)
    defaults = load_settings({"HIT_DATA_DIR": str(tmp_path)})
    assert (defaults.max_image_bytes, defaults.max_av_bytes) == (16 * 1024 * 1024, 99 * 1024 * 1024)
    with pytest.raises(ValueError, match="HIT_MAX_AV_BYTES"):
        load_settings({"HIT_DATA_DIR": str(tmp_path), "HIT_MAX_AV_BYTES": "-5"})
