"""Content-addressed media files on disk: `<sha256 hex>.<extension>` under the media dir.

A name is the hash of the bytes, so a file never changes once written (safe to cache forever)
and the same upload stored twice is one file. Files are kept in two-character shard folders.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

# The only types we store and serve; anything else is refused before it reaches the disk.
MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "oga": "audio/ogg",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
_COPY_CHUNK = 1024 * 1024

_FILENAME = re.compile(r"^([0-9a-f]{64})\.([a-z0-9]{1,5})$")


def content_filename(data: bytes, extension: str) -> str:
    """The file name `data` is stored under: its SHA-256 in hex plus the extension."""
    if extension not in MEDIA_TYPES:
        raise ValueError(f"Unsupported media extension {extension!r}")
    return f"{hashlib.sha256(data).hexdigest()}.{extension}"


def _path_for(media_dir: Path, filename: str) -> Path:
    return media_dir / filename[:2] / filename


def save_media_file(media_dir: Path, data: bytes, extension: str) -> str:
    """Store `data` (atomically; a no-op when already stored) and return its file name."""
    filename = content_filename(data, extension)
    path = _path_for(media_dir, filename)
    if path.is_file():
        return filename
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return filename


def save_media_stream(media_dir: Path, source: BinaryIO, extension: str) -> str:
    """Store what `source` holds from its start, copied in chunks while hashing; returns its file name.

    For audio and video, which can be large: the bytes never need to be in memory at once.
    """
    if extension not in MEDIA_TYPES:
        raise ValueError(f"Unsupported media extension {extension!r}")
    media_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    descriptor, temporary = tempfile.mkstemp(dir=media_dir, prefix=".upload-")
    try:
        source.seek(0)
        with os.fdopen(descriptor, "wb") as handle:
            while chunk := source.read(_COPY_CHUNK):
                digest.update(chunk)
                handle.write(chunk)
        filename = f"{digest.hexdigest()}.{extension}"
        path = _path_for(media_dir, filename)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # same file system: atomic; an identical file is simply replaced
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return filename


def find_media_file(media_dir: Path, filename: str) -> tuple[Path, str] | None:
    """The path and media type of a stored file, or None for unknown or malformed names.

    Only names of the exact stored shape are looked up, so `..`, slashes or other tricks never
    reach the file system.
    """
    match = _FILENAME.match(filename)
    if match is None or match.group(2) not in MEDIA_TYPES:
        return None
    path = _path_for(media_dir, filename)
    if not path.is_file():
        return None
    return path, MEDIA_TYPES[match.group(2)]
