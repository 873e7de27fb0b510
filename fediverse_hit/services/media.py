"""Media uploads for contributions: check what a file really is, clean or probe it, store it under a secret name.

Images are re-encoded without metadata, with a WebP preview and a blurhash (the way Mastodon's
`MediaAttachment` processes them); audio and video are stored as uploaded (no transcoding) with
their duration where it can be read; a video given no cover gets a poster frame
(services/poster_frames.py) and may carry a WebVTT caption track (services/captions.py). Formats: services/media_sniffing.py; probing: services/av_probe.py.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from anyio import to_thread

from fediverse_hit.errors import PayloadTooLarge, ValidationFailed
from fediverse_hit.services.av_probe import probe_av
from fediverse_hit.services.captions import MAX_CAPTIONS_BYTES, check_webvtt
from fediverse_hit.services.images import MediaImage, clean_media_image, max_megabytes
from fediverse_hit.services.media_sniffing import MediaFormat, check_upload
from fediverse_hit.services.poster_frames import poster_frame
from fediverse_hit.settings import Settings
from fediverse_hit.store.media_attachments import create_media
from fediverse_hit.store.media_files import find_media_file, save_media_file, save_media_stream
from fediverse_hit.store.models import Actor, MediaAttachment

MAX_DESCRIPTION = 1_500  # Mastodon's limit for alt text
MAX_ATTACHMENTS = 4  # what Mastodon shows on a post (DESIGN §7)
# A multipart body carries the file, an optional cover image and a few short fields.
FORM_OVERHEAD_BYTES = 64 * 1024



@runtime_checkable
class UploadedFile(Protocol):
    """A parsed multipart file part; Starlette's `UploadFile` fits."""

    file: BinaryIO
    filename: str | None

    @property
    def content_type(self) -> str | None: ...


Upload = bytes | Path | BinaryIO


@dataclass(frozen=True)
class MediaLimits:
    """How large an upload may be, per kind (Settings.max_image_bytes, Settings.max_av_bytes)."""

    image_bytes: int
    av_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaLimits:
        return cls(image_bytes=settings.max_image_bytes, av_bytes=settings.max_av_bytes)

    @property
    def largest_file(self) -> int:
        return max(self.image_bytes, self.av_bytes)

    @property
    def max_request_bytes(self) -> int:
        """The most a whole upload request may carry: the largest file, a cover image, captions, form fields."""
        return self.largest_file + self.image_bytes + MAX_CAPTIONS_BYTES + FORM_OVERHEAD_BYTES

    def for_kind(self, kind: str) -> int:
        return self.image_bytes if kind == "image" else self.av_bytes

    def describe(self) -> str:
        """`images up to 16 MiB, audio and video up to 99 MiB`, for forms and messages."""
        return f"images up to {max_megabytes(self.image_bytes)}, audio and video up to {max_megabytes(self.av_bytes)}"


@dataclass(frozen=True)
class PreparedMedia:
    """A checked, stored file and what is known about it, before its database row exists."""

    kind: str
    media_type: str
    filename: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    blurhash: str | None = None
    thumbnail_filename: str | None = None
    cover_filename: str | None = None
    captions_filename: str | None = None


async def store_upload(
    owner: Actor,
    upload: Upload | UploadedFile,
    declared_type: str | None,
    description: str,
    media_dir: Path,
    limits: MediaLimits,
    *,
    filename: str | None = None,
    cover: Upload | UploadedFile | None = None,
    captions: Upload | UploadedFile | None = None,
) -> MediaAttachment:
    """Check, clean and store one uploaded file for `owner`; the new, unattached MediaAttachment.

    `upload` is the file: a parsed Starlette `UploadFile` (its Content-Type and file name are then
    the declared ones unless `declared_type`/`filename` are given), or bytes, a Path, or a readable,
    seekable binary file. `cover` is an optional cover image for audio or video (Mastodon's
    `thumbnail` part), in the same forms. ValidationFailed (422) for unsupported types, a declared
    type that the bytes contradict, damaged images or a too-long description; PayloadTooLarge (413)
    over the kind's limit. Nothing is written to the media dir unless the upload is accepted.
    """
    if isinstance(upload, UploadedFile):
        declared_type = declared_type or upload.content_type
        filename = filename or upload.filename
        upload = upload.file
    if isinstance(cover, UploadedFile):
        cover = cover.file
    if isinstance(captions, UploadedFile):
        captions = captions.file
    text = description.strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed(f"The description is too long: at most {MAX_DESCRIPTION} characters.")
    prepared = await to_thread.run_sync(
        _prepare_upload, upload, declared_type, filename, _Extras(cover, captions), media_dir, limits
    )
    return await create_media(
        owner,
        kind=prepared.kind,
        media_type=prepared.media_type,
        filename=prepared.filename,
        size_bytes=prepared.size_bytes,
        description=text,
        width=prepared.width,
        height=prepared.height,
        duration_seconds=prepared.duration_seconds,
        blurhash=prepared.blurhash,
        thumbnail_filename=prepared.thumbnail_filename,
        cover_filename=prepared.cover_filename,
        captions_filename=prepared.captions_filename,
    )


@dataclass(frozen=True)
class _Extras:
    """What may come with an audio or video file: a cover image, and for video a caption track."""

    cover: Upload | None
    captions: Upload | None


def _prepare_upload(
    upload: Upload,
    declared_type: str | None,
    filename: str | None,
    extras: _Extras,
    media_dir: Path,
    limits: MediaLimits,
) -> PreparedMedia:
    """The blocking part of `store_upload` (runs in a worker thread)."""
    with _opened(upload) as source:
        size = _size_of(source)
        if size == 0:
            raise ValidationFailed("The file is empty.")
        if size > limits.largest_file:
            raise _too_large("The file", limits.largest_file)
        found = check_upload(source, declared_type, filename)
        if size > limits.for_kind(found.kind):
            raise _too_large(f"This {found.kind} file", limits.for_kind(found.kind))
        cover = extras.cover
        cover_image = _clean_cover(cover, limits) if cover is not None and found.kind != "image" else None
        captions = _checked_captions(extras.captions, found) if extras.captions is not None else None
        if found.kind == "image":
            return _store_image(source, limits, media_dir)
        prepared = _store_av(source, found, cover_image, media_dir)
        if captions is not None:
            prepared = replace(prepared, captions_filename=save_media_file(media_dir, captions, "vtt"))
        return prepared


def _store_image(source: BinaryIO, limits: MediaLimits, media_dir: Path) -> PreparedMedia:
    source.seek(0)
    image = clean_media_image(source.read(limits.image_bytes + 1))
    original, thumbnail = image.original, image.thumbnail
    return PreparedMedia(
        kind="image",
        media_type=original.media_type,
        filename=save_media_file(media_dir, original.data, original.extension),
        size_bytes=len(original.data),
        width=original.width,
        height=original.height,
        blurhash=image.blurhash,
        thumbnail_filename=save_media_file(media_dir, thumbnail.data, thumbnail.extension),
    )


def _store_av(source: BinaryIO, found: MediaFormat, cover: MediaImage | None, media_dir: Path) -> PreparedMedia:
    info = probe_av(source, found)
    stored = save_media_stream(media_dir, source, info.format.extension)
    frame = None
    if cover is None and info.format.kind == "video":
        located = find_media_file(media_dir, stored)
        frame = poster_frame(located[0], info.duration_seconds) if located else None
    picture = cover or frame
    return PreparedMedia(
        kind=info.format.kind,
        media_type=info.format.media_type,
        filename=stored,
        size_bytes=_size_of(source),
        duration_seconds=info.duration_seconds,
        width=frame.original.width if frame else None,  # the frame has the video's shape
        height=frame.original.height if frame else None,
        blurhash=picture.blurhash if picture is not None else None,
        cover_filename=save_media_file(media_dir, picture.original.data, picture.original.extension) if picture else None,
    )


def _checked_captions(captions: Upload, found: MediaFormat) -> bytes:
    if found.kind != "video":
        raise ValidationFailed("Captions (a WebVTT file) can be attached to a video only.")
    with _opened(captions) as source:
        source.seek(0)
        return check_webvtt(source.read(MAX_CAPTIONS_BYTES + 1))


def _clean_cover(cover: Upload, limits: MediaLimits) -> MediaImage:
    with _opened(cover) as source:
        if _size_of(source) > limits.image_bytes:
            raise _too_large("The cover image", limits.image_bytes)
        source.seek(0)
        return clean_media_image(source.read(limits.image_bytes + 1), "The cover image")


@contextmanager
def _opened(upload: Upload) -> Iterator[BinaryIO]:
    """A binary file for any `Upload`; closes only what it opened itself."""
    if isinstance(upload, bytes):
        yield io.BytesIO(upload)
    elif isinstance(upload, Path):
        with upload.open("rb") as handle:
            yield handle
    else:
        yield upload


def _size_of(source: BinaryIO) -> int:
    return source.seek(0, io.SEEK_END)


def _too_large(subject: str, max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"{subject} is too large: up to {max_megabytes(max_bytes)} is accepted.")
