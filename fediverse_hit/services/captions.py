"""Caption tracks for video: WebVTT files (https://www.w3.org/TR/webvtt1/), checked before storing.

A file is accepted only if it really is WebVTT: UTF-8 text (an optional byte order mark) whose
first line is `WEBVTT`, alone or followed by a space or tab and a header (WebVTT §4.1, the file
signature), small, and free of NUL bytes. Anything else (a renamed image, an HTML page, an SRT
file with a .vtt name) is refused with a message saying what was found, whatever type the
browser declared. The file is stored as it came; it is served as `text/vtt` under the media CSP.
"""

from __future__ import annotations

from fediverse_hit.errors import PayloadTooLarge, ValidationFailed

MAX_CAPTIONS_BYTES = 512 * 1024  # an hour of dense captions is about 100 KB
_BOM = b"\xef\xbb\xbf"


def check_webvtt(data: bytes) -> bytes:
    """`data` if it is a WebVTT file (its bytes, unchanged); ValidationFailed or PayloadTooLarge otherwise."""
    if len(data) > MAX_CAPTIONS_BYTES:
        raise PayloadTooLarge(f"The captions file is too large: up to {MAX_CAPTIONS_BYTES // 1024} KiB is accepted.")
    body = data.removeprefix(_BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The captions file is not text (WebVTT files are UTF-8 text).") from exc
    first_line = text.split("\n", 1)[0].removesuffix("\r")
    if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise ValidationFailed("The captions file is not WebVTT: its first line must be “WEBVTT” (SRT files need converting).")
    if "\x00" in text:
        raise ValidationFailed("The captions file holds NUL characters, which WebVTT does not allow.")
    return data
