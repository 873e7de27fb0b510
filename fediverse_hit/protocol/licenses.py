"""The licences a contribution may carry: the Creative Commons 4.0 deeds and CC0 (DESIGN §1, §7).

On the wire a licence is its deed IRI (`license` / `schema:license`); deed list and IRIs from
https://creativecommons.org/licenses/ and https://creativecommons.org/publicdomain/zero/1.0/.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    """One licence: our short code, its canonical deed IRI, its display name, and whether remixes are allowed."""

    code: str
    iri: str
    name: str
    permits_remix: bool


LICENSES: tuple[License, ...] = (
    License("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0", True),
    License("cc-by-sa-4.0", "https://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0", True),
    License("cc-by-nc-4.0", "https://creativecommons.org/licenses/by-nc/4.0/", "CC BY-NC 4.0", True),
    License("cc-by-nc-sa-4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/", "CC BY-NC-SA 4.0", True),
    License("cc-by-nd-4.0", "https://creativecommons.org/licenses/by-nd/4.0/", "CC BY-ND 4.0", False),
    License("cc-by-nc-nd-4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC BY-NC-ND 4.0", False),
    License("cc0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0", True),
)

# HitRecord's default: anyone may remix, and remixes stay open the same way.
DEFAULT_LICENSE_CODE = "cc-by-sa-4.0"

_BY_CODE = {license.code: license for license in LICENSES}
_BY_PATH = {license.iri.removeprefix("https://").rstrip("/"): license for license in LICENSES}


def license_by_code(code: str) -> License | None:
    """The licence with this code (case-insensitive), or None."""
    return _BY_CODE.get(code.strip().lower())


def license_by_iri(iri: str) -> License | None:
    """The licence of a deed IRI as peers write it: http or https, with or without the trailing
    slash, the deed itself or its `legalcode` (also `legalcode.<lang>`, `deed.<lang>`) page."""
    value = iri.strip()
    lowered = value.lower()
    for scheme in ("https://", "http://"):
        if lowered.startswith(scheme):
            value = value[len(scheme):]
            break
    else:
        return None
    value = value.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    head, _, last = value.rpartition("/")
    if last.startswith(("legalcode", "deed.")) or last == "deed":
        value = head
    if value.lower().startswith("www."):
        value = value[4:]
    return _BY_PATH.get(value.lower())
