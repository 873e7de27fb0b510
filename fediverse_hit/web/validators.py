"""HTTP validators for the documents we serve: a strong ETag computed from the exact bytes sent,
and a 304 answer to a matching `If-None-Match` (RFC 9110 §8.8.3, §13.1.2, §15.4.5).

A stored version's bytes never change, so its tag never does; an edit makes a new version and so
a new tag. Deletion is not a change of bytes: it is answered 410 by whichever process is asked,
which is why shared caches are told to revalidate (`no-cache`) rather than to keep a copy fresh.
"""

from __future__ import annotations

import base64
import hashlib

# A shared cache may store it but must ask us before each reuse (a 304 is our cheapest answer),
# so a deleted work or a changed actor key is never served stale.
SHARED_REVALIDATED = "public, no-cache"
# Pages for a logged-in person: no cache but the browser's own, and not even that on disk.
PRIVATE_PAGE = "private, no-store"


def entity_tag(body: bytes) -> str:
    """A strong entity tag for `body`: its SHA-256, base64url without padding, quoted."""
    digest = hashlib.sha256(body).digest()
    return '"' + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") + '"'


def none_match(header: str, tag: str) -> bool:
    """Whether an `If-None-Match` value matches `tag` (weak comparison, as §13.1.2 requires for
    this header: `W/` prefixes are ignored; `*` matches any current representation)."""
    if header.strip() == "*":
        return True
    wanted = tag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == wanted for candidate in header.split(","))
