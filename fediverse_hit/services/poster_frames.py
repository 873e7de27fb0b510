"""A poster frame for an uploaded video that came without a cover: one frame decoded by ffmpeg
(https://ffmpeg.org/), then cleaned like any uploaded image (services/images.py).

ffmpeg is optional: CI and the deploy notes install Debian's `ffmpeg` package; without it, or when
it cannot decode the file, the video simply has no poster (the player shows its first frame once
loaded). ffmpeg reads only the stored file, with a time limit, and writes a JPEG to a pipe.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.services.images import MediaImage, clean_media_image

LOG = logging.getLogger(__name__)
FFMPEG_SECONDS = 30
MAX_FRAME_BYTES = 32 * 1024 * 1024
FRAME_AT_SECONDS = 1.0  # past a fade-in from black, as Mastodon's video thumbnails are


def ffmpeg_path() -> str | None:
    """Where ffmpeg is, or None when it is not installed."""
    return shutil.which("ffmpeg")


def poster_frame(video: Path, duration_seconds: float | None) -> MediaImage | None:
    """A cleaned still from `video` (at one second, or its middle when shorter), or None."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        return None
    at = FRAME_AT_SECONDS if duration_seconds is None or duration_seconds > 2 * FRAME_AT_SECONDS else (duration_seconds or 0) / 2
    command = [ffmpeg, "-nostdin", "-v", "error", "-ss", f"{at:.3f}", "-i", str(video),
               "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "3", "-"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFMPEG_SECONDS, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as exc:
        LOG.info("no poster frame for %s: %s", video.name, exc)
        return None
    if done.returncode != 0 or not done.stdout or len(done.stdout) > MAX_FRAME_BYTES:
        LOG.info("no poster frame for %s: ffmpeg exited %s", video.name, done.returncode)
        return None
    try:
        return clean_media_image(done.stdout, "The poster frame")
    except ValidationFailed:
        return None
