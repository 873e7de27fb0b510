"""Checking and cleaning uploaded images: real type from the bytes, pixel cap, re-encoding.

The client's file name and Content-Type are ignored: Pillow decides what the bytes are, and only
PNG, JPEG, GIF and WebP are accepted. Re-encoding from raw pixels drops every metadata block
(EXIF with GPS position, XMP, comments, ICC) and any payload hidden after the image data.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from fediverse_hit.errors import PayloadTooLarge, ValidationFailed

ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
# Well under Pillow's own 89-megapixel warning: enough for any camera, refuses decompression bombs.
MAX_PIXELS = 40_000_000
AVATAR_SIDE = 400

# Input format → (output format, extension, media type). GIF becomes a still PNG (first frame).
_OUTPUT = {
    "PNG": ("PNG", "png", "image/png"),
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "GIF": ("PNG", "png", "image/png"),
    "WEBP": ("WEBP", "webp", "image/webp"),
}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "PNG": {"optimize": True},
    "JPEG": {"quality": 88, "optimize": True},
    "WEBP": {"quality": 85},
}
_UNREADABLE = "The avatar must be a PNG, JPEG, GIF or WebP image; this file is not one."


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image with no metadata, ready to store."""

    data: bytes
    extension: str
    media_type: str
    width: int
    height: int


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
    image = _open_checked(data)
    output_format, extension, media_type = _OUTPUT[str(image.format)]
    pixels = _clean_pixels(image, keep_alpha=output_format != "JPEG")
    buffer = io.BytesIO()
    pixels.save(buffer, output_format, **_SAVE_OPTIONS[output_format])
    return CleanImage(buffer.getvalue(), extension, media_type, pixels.width, pixels.height)


def _open_checked(data: bytes) -> Image.Image:
    """Open `data` as one of the accepted formats, refusing oversized pixel counts before decoding."""
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit, raises) on decompression bombs: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _too_many_pixels() from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ValidationFailed(_UNREADABLE) from exc
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels()
    return image


def _too_many_pixels() -> ValidationFailed:
    return ValidationFailed(
        f"The avatar has too many pixels: images up to {MAX_PIXELS // 1_000_000} megapixels are accepted."
    )


def _clean_pixels(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """The first frame, upright, shrunk to fit AVATAR_SIDE, as a fresh image with no metadata."""
    try:
        if image.format == "JPEG":
            image.draft("RGB", (AVATAR_SIDE * 2, AVATAR_SIDE * 2))  # decode JPEGs at reduced size
        image.load()
        upright = ImageOps.exif_transpose(image)
        converted = upright.convert(_target_mode(upright, keep_alpha=keep_alpha))
        converted.thumbnail((AVATAR_SIDE, AVATAR_SIDE), Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ValidationFailed("The avatar image is damaged and could not be read.") from exc
    # Rebuilding from raw pixels guarantees nothing from the upload's `info` survives.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _target_mode(image: Image.Image, *, keep_alpha: bool) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    return "RGBA" if keep_alpha and has_alpha else "RGB"
