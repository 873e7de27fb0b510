"""Reading the start of a Matroska/WebM file: the EBML DocType and the Segment Info Duration.

Element ids and sizes are EBML variable-length integers (RFC 8794 §4); the elements read here are
from the Matroska specification (draft-ietf-cellar-matroska §5.1): https://www.matroska.org/technical/elements.html
Only the bytes given are read; a damaged or truncated header gives None, never an exception.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_HEADER = 0x1A45DFA3
_DOC_TYPE = 0x4282
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMESTAMP_SCALE = 0x2AD7B1
_DURATION = 0x4489
_CLUSTER = 0x1F43B675
_DEFAULT_TIMESTAMP_SCALE = 1_000_000  # nanoseconds per tick
_UNKNOWN = -1


def _vint(data: bytes, offset: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """(value, length) of the variable-length integer at `offset`, or None when cut off or invalid."""
    if offset >= len(data):
        return None
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or offset + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[offset + 1 : offset + length]:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return _UNKNOWN, length  # all ones: size unknown (live streams leave the Segment open)
    return value, length


def _elements(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(id, body start, body end) of each element in `data[start:end]`; stops at the first bad one."""
    offset = start
    while offset < end:
        element = _vint(data, offset, keep_marker=True)
        if element is None:
            return
        size = _vint(data, offset + element[1], keep_marker=False)
        if size is None:
            return
        body = offset + element[1] + size[1]
        body_end = end if size[0] == _UNKNOWN else min(body + size[0], end)
        yield element[0], body, body_end
        if size[0] == _UNKNOWN:
            return
        offset = body + size[0]


def doc_type(data: bytes) -> str | None:
    """The DocType of the EBML header (`webm`, `matroska`), or None when `data` is not EBML."""
    if not data.startswith(EBML_MAGIC):
        return None
    for element, body, end in _elements(data, 0, len(data)):
        if element != _EBML_HEADER:
            return None
        for child, child_body, child_end in _elements(data, body, end):
            if child == _DOC_TYPE:
                return data[child_body:child_end].rstrip(b"\0").decode("ascii", "replace")
        return None
    return None


def segment_duration(data: bytes) -> float | None:
    """The duration in seconds from the Segment's Info element, when it is in `data`."""
    if doc_type(data) is None:
        return None
    for element, body, end in _elements(data, 0, len(data)):
        if element == _SEGMENT:
            return _info_duration(data, body, end)
    return None


def _info_duration(data: bytes, start: int, end: int) -> float | None:
    for element, body, body_end in _elements(data, start, end):
        if element == _CLUSTER:
            return None  # Info always precedes the media data
        if element == _INFO:
            return _duration_of_info(data, body, body_end)
    return None


def _duration_of_info(data: bytes, start: int, end: int) -> float | None:
    scale = _DEFAULT_TIMESTAMP_SCALE
    ticks: float | None = None
    for element, body, body_end in _elements(data, start, end):
        value = data[body:body_end]
        if element == _TIMESTAMP_SCALE and 1 <= len(value) <= 8:
            scale = int.from_bytes(value, "big")
        elif element == _DURATION and len(value) in (4, 8):
            ticks = struct.unpack(">f" if len(value) == 4 else ">d", value)[0]
    if ticks is None or scale <= 0 or not 0 < ticks < float("inf"):
        return None
    return ticks * scale / 1e9
