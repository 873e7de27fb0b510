"""Audio and video metadata: the duration where it can be read, and whether an MP4 holds video.

Files are stored as uploaded (no transcoding), so this only reads: mutagen (https://mutagen.readthedocs.io/)
for MP3, AAC, Ogg, FLAC, WAV and MP4; the EBML Segment Info for WebM. Damaged files give no
duration rather than an error: the bytes were already checked to be of the format.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import BinaryIO

from mutagen import FileType, MutagenError
from mutagen.aac import AAC
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.mp4._atom import AtomError, Atoms  # what mutagen.mp4 itself walks boxes with
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from fediverse_hit.services import media_sniffing as formats
from fediverse_hit.services.ebml import segment_duration

# How much of a WebM file is searched for the Segment Info (it sits right after the SeekHead).
WEBM_HEAD_BYTES = 64 * 1024
_READERS: dict[str, type[FileType]] = {
    "mp3": MP3, "aac": AAC, "ogg": OggVorbis, "opus": OggOpus, "oga": OggFLAC, "flac": FLAC, "wav": WAVE,
    "m4a": MP4, "mp4": MP4,
}  # fmt: skip
# What mutagen raises on damaged input besides its own errors (it parses with struct and slices).
_DAMAGED = (MutagenError, OSError, ValueError, EOFError, IndexError, struct.error)


@dataclass(frozen=True)
class AvInfo:
    """The format (an MP4 without video becomes audio/mp4) and the duration in seconds, if known."""

    format: formats.MediaFormat
    duration_seconds: float | None


def probe_av(source: BinaryIO, found: formats.MediaFormat) -> AvInfo:
    """Read what can be read of an audio or video upload; `source` is rewound before each read."""
    if found.extension == "webm":
        source.seek(0)
        return AvInfo(found, _plausible(segment_duration(source.read(WEBM_HEAD_BYTES))))
    if found.extension == "mp4" and not _mp4_has_video(source):
        found = formats.M4A
    reader = _READERS.get(found.extension)
    if reader is None:
        return AvInfo(found, None)
    source.seek(0)
    try:
        length = getattr(reader(source).info, "length", None)
    except _DAMAGED:
        length = None
    return AvInfo(found, _plausible(length))


def _mp4_has_video(source: BinaryIO) -> bool:
    """Whether any track of the MP4 is a video track (handler type `vide`, ISO/IEC 14496-12 §8.4.3).

    When the file cannot be read that far, it stays a video, as its `ftyp` brand said.
    """
    source.seek(0)
    try:
        atoms = Atoms(source)
        handlers = []
        for trak in atoms[b"moov"].findall(b"trak"):
            ok, data = trak[b"mdia", b"hdlr"].read(source)
            handlers.append(data[8:12] if ok else b"")
    except (*_DAMAGED, AtomError, KeyError):
        return True
    return b"vide" in handlers or b"soun" not in handlers


def _plausible(seconds: float | None) -> float | None:
    """A duration worth showing: positive and finite, rounded to milliseconds."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    return round(float(seconds), 3)
