"""Checking and cleaning uploaded images (avatars and attachments): real type from the bytes, pixel cap, re-encoding.

The client's file name and Content-Type are ignored: Pillow decides what the bytes are, and only
PNG, JPEG, GIF, WebP and AVIF are accepted. Re-encoding from raw pixels drops every metadata block
(EXIF with GPS position, XMP, comments, ICC) and any payload hidden after the image data.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import blurhash  # type: ignore[import-untyped]
from PIL import Image, ImageOps, UnidentifiedImageError

from fediverse_hit.errors import PayloadTooLarge, ValidationFailed

ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "AVIF")
# Well under Pillow's own 89-megapixel warning: enough for any camera, refuses decompression bombs.
MAX_PIXELS = 40_000_000
AVATAR_SIDE = 400
HEADER_BOX = (1500, 500)  # Mastodon's header size
# Mastodon's `MediaAttachment::IMAGE_STYLES` (app/models/media_attachment.rb): the original is
# kept up to 3840×2160 worth of pixels, the preview ("small") up to 640×360, and the blurhash has
# 4×4 components (`BLURHASH_OPTIONS`), computed here from a copy at most 32 px on its long side.
MEDIA_MAX_PIXELS = 8_294_400
THUMBNAIL_MAX_PIXELS = 230_400
BLURHASH_SIDE = 32
BLURHASH_COMPONENTS = (4, 4)

# Input format → (output format, extension, media type). GIF becomes a still PNG (first frame);
# AVIF is re-encoded as JPEG (PNG when it has transparency), which every client can show.
_OUTPUT = {
    "PNG": ("PNG", "png", "image/png"),
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "GIF": ("PNG", "png", "image/png"),
    "WEBP": ("WEBP", "webp", "image/webp"),
    "AVIF": ("JPEG", "jpg", "image/jpeg"),
}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "PNG": {"optimize": True},
    "JPEG": {"quality": 88, "optimize": True},
    "WEBP": {"quality": 85},
}


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image with no metadata, ready to store."""

    data: bytes
    extension: str
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class MediaImage:
    """An image attachment: the cleaned picture, its preview (WebP) and its blurhash."""

    original: CleanImage
    thumbnail: CleanImage
    blurhash: str


def max_megabytes(max_bytes: int) -> str:
    """`4 MiB`-style wording for messages."""
    return f"{max_bytes / (1024 * 1024):g} MiB"


def clean_avatar(data: bytes, max_bytes: int) -> CleanImage:
    """Check an uploaded avatar and return it re-encoded, at most 400×400, without metadata.

    PayloadTooLarge when over `max_bytes`; ValidationFailed when the bytes are not an accepted
    image, are damaged, or decode to more than MAX_PIXELS.
    """
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The avatar is too large: images up to {max_megabytes(max_bytes)} are accepted.")
    image = _open_checked(data, "The avatar")
    pixels = _clean_pixels(image, (AVATAR_SIDE, AVATAR_SIDE), "The avatar")
    return _encode(pixels, str(image.format))


def clean_header(data: bytes, max_bytes: int) -> CleanImage:
    """An uploaded header image re-encoded without metadata, at most 1500×500 (as avatars are
    checked: PayloadTooLarge over `max_bytes`, ValidationFailed for anything not an image)."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The header image is too large: images up to {max_megabytes(max_bytes)} are accepted.")
    image = _open_checked(data, "The header image")
    pixels = _clean_pixels(image, HEADER_BOX, "The header image")
    return _encode(pixels, str(image.format))


def clean_media_image(data: bytes, subject: str = "The image") -> MediaImage:
    """An uploaded image re-encoded without metadata (at most MEDIA_MAX_PIXELS), with preview and blurhash.

    ValidationFailed when the bytes are not an accepted image, are damaged or have too many pixels;
    `subject` names the file in those messages ("The cover image").
    """
    image = _open_checked(data, subject)
    pixels = _clean_pixels(image, _fit_area(image.size, MEDIA_MAX_PIXELS), subject)
    preview = pixels.copy()
    preview.thumbnail(_fit_area(pixels.size, THUMBNAIL_MAX_PIXELS), Image.Resampling.LANCZOS)
    return MediaImage(_encode(pixels, str(image.format)), _encode(preview, "WEBP"), image_blurhash(preview))


def image_blurhash(image: Image.Image) -> str:
    """The blurhash (https://blurha.sh) of `image`, from a copy at most BLURHASH_SIDE px on its long side."""
    small = image.convert("RGB")
    small.thumbnail((BLURHASH_SIDE, BLURHASH_SIDE), Image.Resampling.BOX)
    return encode_blurhash(small)


def encode_blurhash(image: Image.Image) -> str:
    """The blurhash of an RGB image as it is (every pixel counts; shrink large images first)."""
    raw, stride = image.convert("RGB").tobytes(), image.width * 3
    rows = [
        [raw[start : start + 3] for start in range(row * stride, (row + 1) * stride, 3)] for row in range(image.height)
    ]
    x_components, y_components = BLURHASH_COMPONENTS
    return str(blurhash.encode(rows, components_x=x_components, components_y=y_components))


def _fit_area(size: tuple[int, int], max_pixels: int) -> tuple[int, int]:
    """The box that `size` is shrunk into to hold at most `max_pixels`, keeping its aspect ratio."""
    width, height = size
    if width * height <= max_pixels:
        return width, height
    scale = math.sqrt(max_pixels / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def _open_checked(data: bytes, subject: str) -> Image.Image:
    """Open `data` as one of the accepted formats, refusing oversized pixel counts before decoding."""
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit, raises) on decompression bombs: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _too_many_pixels(subject) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ValidationFailed(f"{subject} must be a PNG, JPEG, GIF, WebP or AVIF image; this file is not one.") from exc
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(subject)
    return image


def _too_many_pixels(subject: str) -> ValidationFailed:
    return ValidationFailed(
        f"{subject} has too many pixels: images up to {MAX_PIXELS // 1_000_000} megapixels are accepted."
    )


def _clean_pixels(image: Image.Image, box: tuple[int, int], subject: str) -> Image.Image:
    """The first frame, upright, shrunk to fit `box`, as a fresh image with no metadata."""
    keep_alpha = _OUTPUT[str(image.format)][0] != "JPEG" or image.format == "AVIF"
    try:
        if image.format == "JPEG":
            image.draft("RGB", (box[0] * 2, box[1] * 2))  # decode JPEGs at reduced size when possible
        image.load()
        upright = ImageOps.exif_transpose(image)
        converted = upright.convert(_target_mode(upright, keep_alpha=keep_alpha))
        converted.thumbnail(box, Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ValidationFailed(f"{subject} is damaged and could not be read.") from exc
    # Rebuilding from raw pixels guarantees nothing from the upload's `info` survives.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _encode(pixels: Image.Image, input_format: str) -> CleanImage:
    output_format, extension, media_type = _OUTPUT[input_format]
    if output_format == "JPEG" and pixels.mode == "RGBA":
        output_format, extension, media_type = _OUTPUT["PNG"]  # a transparent AVIF
    buffer = io.BytesIO()
    pixels.save(buffer, output_format, **_SAVE_OPTIONS[output_format])
    return CleanImage(buffer.getvalue(), extension, media_type, pixels.width, pixels.height)


def _target_mode(image: Image.Image, *, keep_alpha: bool) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    return "RGBA" if keep_alpha and has_alpha else "RGB"
