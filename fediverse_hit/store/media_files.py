"""Media files on disk, each under a secret random name: `<32 hex digits>.<extension>`.

A file's URL is a capability (docs/security.md): whoever knows it can fetch the file, so the name
holds 128 random bits and is never derived from the bytes (a content hash is guessable by anyone
who has the file). A name never changes what it holds, so responses can be cached. Files stored
before, named `<sha256 hex>.<extension>`, are still found; `is_content_addressed` tells them
apart so the web layer serves them only where guessing reveals nothing. Files are kept in
two-character shard folders.
"""

from __future__ import annotations

import os
import re
import secrets
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
    "vtt": "text/vtt",  # caption tracks (services/captions.py)
}
_COPY_CHUNK = 1024 * 1024

_TOKEN_BYTES = 16  # 128 bits: not guessable, and too many names to try
_FILENAME = re.compile(r"^([0-9a-f]{32}|[0-9a-f]{64})\.([a-z0-9]{1,5})$")
_CONTENT_ADDRESSED = re.compile(r"^[0-9a-f]{64}\.")


def new_filename(extension: str) -> str:
    """A fresh secret file name: 128 random bits in hex plus the extension."""
    if extension not in MEDIA_TYPES:
        raise ValueError(f"Unsupported media extension {extension!r}")
    return f"{secrets.token_hex(_TOKEN_BYTES)}.{extension}"


def is_content_addressed(filename: str) -> bool:
    """Whether `filename` is an older name, the SHA-256 of its bytes (guessable from the file)."""
    return _CONTENT_ADDRESSED.match(filename) is not None


def _path_for(media_dir: Path, filename: str) -> Path:
    return media_dir / filename[:2] / filename


def save_media_file(media_dir: Path, data: bytes, extension: str) -> str:
    """Store `data` (atomically) under a new secret name and return the name."""
    filename = new_filename(extension)
    path = _path_for(media_dir, filename)
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
    """Store what `source` holds from its start, copied in chunks, under a new secret name; returns it.

    For audio and video, which can be large: the bytes never need to be in memory at once.
    """
    filename = new_filename(extension)
    media_dir.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=media_dir, prefix=".upload-")
    try:
        source.seek(0)
        with os.fdopen(descriptor, "wb") as handle:
            while chunk := source.read(_COPY_CHUNK):
                handle.write(chunk)
        path = _path_for(media_dir, filename)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # same file system: atomic
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
