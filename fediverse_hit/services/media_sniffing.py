"""What an upload really is, from its first bytes (magic numbers), and whether its declared type agrees.

Signatures follow the WHATWG MIME Sniffing standard (https://mimesniff.spec.whatwg.org/ §6) and
each format's own specification (ISO BMFF `ftyp` brands, RFC 3533 Ogg, RFC 8794 EBML, FLAC, RIFF,
ID3v2.4 §3.1). The client's Content-Type and file name are claims to check, never to trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.services.ebml import EBML_MAGIC, doc_type

HEAD_BYTES = 4096


@dataclass(frozen=True)
class MediaFormat:
    """An accepted format: its kind (image, audio, video), media type, stored extension, and name."""

    kind: str
    media_type: str
    extension: str
    label: str


def _format(kind: str, media_type: str, extension: str, label: str) -> MediaFormat:
    return MediaFormat(kind, media_type, extension, label)


PNG = _format("image", "image/png", "png", "a PNG image")
JPEG = _format("image", "image/jpeg", "jpg", "a JPEG image")
GIF = _format("image", "image/gif", "gif", "a GIF image")
WEBP = _format("image", "image/webp", "webp", "a WebP image")
AVIF = _format("image", "image/avif", "avif", "an AVIF image")
MP3 = _format("audio", "audio/mpeg", "mp3", "an MP3 audio file")
AAC = _format("audio", "audio/aac", "aac", "an AAC audio file")
OGG_VORBIS = _format("audio", "audio/ogg", "ogg", "an Ogg Vorbis audio file")
OGG_OPUS = _format("audio", "audio/ogg", "opus", "an Ogg Opus audio file")
OGG_FLAC = _format("audio", "audio/ogg", "oga", "an Ogg FLAC audio file")
FLAC = _format("audio", "audio/flac", "flac", "a FLAC audio file")
WAV = _format("audio", "audio/wav", "wav", "a WAV audio file")
M4A = _format("audio", "audio/mp4", "m4a", "an M4A audio file")
MP4 = _format("video", "video/mp4", "mp4", "an MP4 video")
WEBM = _format("video", "video/webm", "webm", "a WebM video")

SUPPORTED = (
    "Upload a PNG, JPEG, GIF, WebP or AVIF image, MP3, Ogg (Vorbis or Opus), FLAC, WAV, M4A or AAC "
    "audio, or an MP4 or WebM video."
)

# Declared types (Content-Type or extension) → the group of real formats they may name.
# MP4, Ogg and WebM are containers: audio/* and video/* of the same container agree.
_GROUPS: dict[str, frozenset[str]] = {
    "image/png": frozenset({"image/png"}),
    "image/apng": frozenset({"image/png"}),
    "image/jpeg": frozenset({"image/jpeg"}),
    "image/jpg": frozenset({"image/jpeg"}),
    "image/pjpeg": frozenset({"image/jpeg"}),
    "image/gif": frozenset({"image/gif"}),
    "image/webp": frozenset({"image/webp"}),
    "image/avif": frozenset({"image/avif"}),
    "audio/mpeg": frozenset({"audio/mpeg"}),
    "audio/mp3": frozenset({"audio/mpeg"}),
    "audio/mpeg3": frozenset({"audio/mpeg"}),
    "audio/x-mpeg": frozenset({"audio/mpeg"}),
    "audio/x-mp3": frozenset({"audio/mpeg"}),
    "audio/aac": frozenset({"audio/aac", "audio/mp4"}),
    "audio/x-aac": frozenset({"audio/aac", "audio/mp4"}),
    "audio/aacp": frozenset({"audio/aac"}),
    "audio/ogg": frozenset({"audio/ogg"}),
    "audio/opus": frozenset({"audio/ogg"}),
    "audio/vorbis": frozenset({"audio/ogg"}),
    "application/ogg": frozenset({"audio/ogg"}),
    "video/ogg": frozenset({"audio/ogg"}),
    "audio/flac": frozenset({"audio/flac"}),
    "audio/x-flac": frozenset({"audio/flac"}),
    "audio/wav": frozenset({"audio/wav"}),
    "audio/wave": frozenset({"audio/wav"}),
    "audio/x-wav": frozenset({"audio/wav"}),
    "audio/vnd.wave": frozenset({"audio/wav"}),
    "audio/x-pn-wav": frozenset({"audio/wav"}),
    "audio/mp4": frozenset({"audio/mp4", "video/mp4"}),
    "audio/m4a": frozenset({"audio/mp4", "video/mp4"}),
    "audio/x-m4a": frozenset({"audio/mp4", "video/mp4"}),
    "video/mp4": frozenset({"audio/mp4", "video/mp4"}),
    "video/x-m4v": frozenset({"video/mp4"}),
    "application/mp4": frozenset({"audio/mp4", "video/mp4"}),
    "video/webm": frozenset({"video/webm"}),
    "audio/webm": frozenset({"video/webm"}),
}
_EXTENSIONS = {
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "jpe": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp", "avif": "image/avif", "mp3": "audio/mpeg", "aac": "audio/aac", "ogg": "audio/ogg",
    "oga": "audio/ogg", "opus": "audio/ogg", "flac": "audio/flac", "wav": "audio/wav", "m4a": "audio/mp4",
    "mp4": "video/mp4", "m4v": "video/x-m4v", "webm": "video/webm", "weba": "audio/webm",
    "html": "text/html", "htm": "text/html", "svg": "image/svg+xml", "pdf": "application/pdf",
    "zip": "application/zip", "txt": "text/plain", "js": "text/javascript", "mov": "video/quicktime",
    "mkv": "video/x-matroska", "heic": "image/heic",
}
_UNDECLARED = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
_LABELS = {
    "text/html": "an HTML document", "image/svg+xml": "an SVG image", "application/pdf": "a PDF document",
    "application/zip": "a ZIP archive", "text/plain": "a text file", "text/javascript": "a JavaScript file",
    "video/quicktime": "a QuickTime video", "video/x-matroska": "a Matroska video", "image/heic": "a HEIC image",
    "audio/ogg": "an Ogg audio file", "audio/webm": "a WebM audio file",
}
_BY_TYPE = {known.media_type: known for known in (PNG, JPEG, GIF, WEBP, AVIF, MP3, AAC, FLAC, WAV, M4A, MP4, WEBM)}
_FTYP_BRANDS: dict[bytes, MediaFormat] = {
    b"M4A ": M4A, b"M4B ": M4A, b"M4P ": M4A, b"F4A ": M4A,
    **dict.fromkeys((b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
                     b"M4V ", b"mmp4", b"MSNV", b"NDAS", b"f4v "), MP4),
}  # fmt: skip
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

# Formats we recognise but refuse, each with the reason shown to the uploader.
QUICKTIME_REFUSED = (
    "QuickTime (.mov) videos are not accepted: files are served as uploaded and many browsers cannot "
    "play them. Export the video as MP4 (H.264) or WebM."
)
_REFUSED_REASONS = {
    "a QuickTime video": QUICKTIME_REFUSED,
    "a Matroska video": "Matroska (.mkv) videos are not accepted: export the video as WebM or MP4.",
    "a HEIC image": "HEIC images cannot be read here: export the image as JPEG or PNG.",
}


def sniff_format(source: BinaryIO) -> MediaFormat | None:
    """The accepted format `source`'s bytes are in, or None; reads from the start, leaves the position anywhere."""
    source.seek(0)
    head = source.read(HEAD_BYTES)
    if head.startswith(b"ID3") and len(head) >= 10:
        # ID3v2 tags come before MP3 frames (and, from some taggers, before FLAC): skip the tag.
        source.seek(_id3_length(head))
        after = source.read(16)
        if after.startswith(b"fLaC"):
            return FLAC
        return MP3 if _is_mpeg_audio_frame(after) else None
    return sniff_head(head)


def sniff_head(head: bytes) -> MediaFormat | None:
    """The accepted format of a file starting with `head` (no ID3 skipping), or None."""
    simple = (
        (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"GIF87a", GIF), (b"GIF89a", GIF),
        (b"fLaC", FLAC),
    )  # fmt: skip
    for magic, found in simple:
        if head.startswith(magic):
            return found
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return WEBP if head[8:12] == b"WEBP" else WAV
    if head[4:8] == b"ftyp":
        return _ftyp_format(head)
    if head.startswith(b"OggS"):
        return _ogg_format(head)
    if head.startswith(EBML_MAGIC):
        return WEBM if doc_type(head) == "webm" else None
    if _is_mpeg_audio_frame(head):
        return MP3
    if len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return AAC  # ADTS: 12-bit sync, layer 00 (ISO/IEC 13818-7 §6.2)
    return None


def describe_unaccepted(head: bytes) -> str | None:
    """A name for well-known formats we do not accept (`an HTML document`), for error messages."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    markup = ((b"<!doctype html", "an HTML document"), (b"<html", "an HTML document"),
              (b"<head", "an HTML document"), (b"<body", "an HTML document"), (b"<script", "an HTML document"),
              (b"<svg", "an SVG image"), (b"<?xml", "an XML document"))  # fmt: skip
    for magic, label in markup:
        if text.startswith(magic):
            return "an SVG image" if label == "an XML document" and b"<svg" in text else label
    binary = ((b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"), (b"\x1f\x8b", "a gzip archive"),
              (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", "a BMP image"),
              (b"\x7fELF", "a program"), (b"MZ", "a program"))  # fmt: skip
    for magic, label in binary:
        if head.startswith(magic):
            return label
    if head[4:8] == b"ftyp":
        return _unaccepted_ftyp(head)
    if head.startswith(EBML_MAGIC) and doc_type(head) == "matroska":
        return "a Matroska video"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "a text file"
    return None


def check_upload(source: BinaryIO, declared_type: str | None, filename: str | None) -> MediaFormat:
    """The upload's real format; ValidationFailed when unsupported or when a declared type disagrees."""
    found = sniff_format(source)
    claims = declared_claims(declared_type, filename)
    if found is None:
        source.seek(0)
        actual = describe_unaccepted(source.read(HEAD_BYTES))
        if actual is not None and claims and label_of(claims[0]) != actual:
            raise ValidationFailed(f"This file is {actual}, not {label_of(claims[0])}.")
        reason = _REFUSED_REASONS.get(actual or "")
        if reason is not None:
            raise ValidationFailed(reason)
        what = f"This file ({actual}) is" if actual else "This file type is"
        raise ValidationFailed(f"{what} not supported. {SUPPORTED}")
    for claim in claims:
        if found.media_type not in _GROUPS.get(claim, frozenset()) and not _same_kind(claim, found):
            raise ValidationFailed(f"This file is {found.label}, not {label_of(claim)}.")
    return found


def declared_claims(declared_type: str | None, filename: str | None) -> list[str]:
    """The media types the client claims: the part's Content-Type, then the file name's extension."""
    claims = []
    media_type = (declared_type or "").split(";", 1)[0].strip().lower()
    if media_type not in _UNDECLARED:
        claims.append(media_type)
    extension = (filename or "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    if extension in _EXTENSIONS:
        claims.append(_EXTENSIONS[extension])
    return claims


def label_of(media_type: str) -> str:
    """`a PNG image` for image/png; a generic wording for types we do not know."""
    if media_type in _LABELS:
        return _LABELS[media_type]
    if media_type in _BY_TYPE:
        return _BY_TYPE[media_type].label
    kind = media_type.split("/", 1)[0]
    members = sorted(_GROUPS.get(media_type, ()), key=lambda member: (not member.startswith(kind), member))
    return _BY_TYPE[members[0]].label if members else f"a file of type {media_type}"


def _same_kind(claim: str, found: MediaFormat) -> bool:
    """An unknown declared type of the same kind (`image/x-foo` for a PNG) is not a contradiction."""
    return claim not in _GROUPS and claim not in _LABELS and claim.split("/", 1)[0] == found.kind


def _id3_length(head: bytes) -> int:
    """Bytes taken by the ID3v2 tag at the start: header, syncsafe size, and footer if flagged."""
    size = 0
    for byte in head[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio Layer III frame header (ISO/IEC 11172-3 §2.4.1.3) with no reserved values."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and sample_rate != 3


def _ftyp_brands(head: bytes) -> list[bytes]:
    box_size = int.from_bytes(head[0:4], "big")
    end = min(max(box_size, 16), len(head))
    return [head[8:12]] + [head[offset : offset + 4] for offset in range(16, end - 3, 4)]


def _ftyp_format(head: bytes) -> MediaFormat | None:
    brands = _ftyp_brands(head)
    if b"avif" in brands or b"avis" in brands:
        return AVIF  # AVIF files may carry the generic HEIF brand `mif1` as major brand
    if brands[0] in _HEIF_BRANDS or brands[0] == b"qt  ":
        return None
    return next((_FTYP_BRANDS[brand] for brand in brands if brand in _FTYP_BRANDS), None)


def _unaccepted_ftyp(head: bytes) -> str | None:
    brand = head[8:12]
    if brand == b"qt  ":
        return "a QuickTime video"
    return "a HEIC image" if brand in _HEIF_BRANDS else None


def _ogg_format(head: bytes) -> MediaFormat | None:
    """The codec of the first logical stream: its identification header opens the first page."""
    if len(head) < 27:
        return None
    segments = head[26]
    packet = head[27 + segments : 27 + segments + 8]
    if packet.startswith(b"\x01vorbis"):
        return OGG_VORBIS
    if packet.startswith(b"OpusHead"):
        return OGG_OPUS
    if packet.startswith(b"\x7fFLAC"):
        return OGG_FLAC
    return None
