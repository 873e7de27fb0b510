"""Which licence a remix may carry given its sources' licences (DESIGN §7), per Creative Commons.

Rules, from CC's own texts: an ND source permits no adaptation (BY-ND 4.0 §2(a)(1)(B)); a
ShareAlike source binds the adapter's licence to "a Creative Commons license with the same License
Elements, this version or later, or a BY-SA Compatible License" (BY-SA 4.0 §3(b)(1); BY-NC-SA 4.0
likewise), and CC's compatible-licences list names no other licence of our catalog
(https://creativecommons.org/share-your-work/licensing-considerations/compatible-licenses/); NC
material stays non-commercial, so the remix keeps NC (CC's remix chart,
https://creativecommons.org/faq/#can-i-combine-material-under-different-creative-commons-licenses-in-my-work);
BY and CC0 sources let the adapter choose any licence. Every source must hold at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fediverse_hit.protocol.licenses import LICENSES, License, license_by_iri

_NO_DERIVATIVES = frozenset({"cc-by-nd-4.0", "cc-by-nc-nd-4.0"})
_SHARE_ALIKE = {"cc-by-sa-4.0": "cc-by-sa-4.0", "cc-by-nc-sa-4.0": "cc-by-nc-sa-4.0"}
_NON_COMMERCIAL = frozenset({"cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0"})
_ALL = frozenset(license.code for license in LICENSES)


class RemixLicenceError(ValueError):
    """The remix may not be made, or not under this licence; `source_id` names the source at fault
    ("" when the fault is the combination of sources itself)."""

    def __init__(self, reason: str, source_id: str = "") -> None:
        self.reason = reason
        self.source_id = source_id
        super().__init__(reason)


@dataclass(frozen=True)
class SourceLicence:
    """A source and the licence IRI its pinned version carries (None: it states none)."""

    source_id: str
    licence_iri: str | None


def allowed_remix_licences(source: SourceLicence) -> frozenset[str]:
    """Codes of the licences a remix of this one source may carry; empty when it forbids remixes.

    A source that states no licence (a Mastodon post) adds no licence rule: consent to build on it
    is the quote policy's question (FEP-044f), which is checked separately.
    """
    if source.licence_iri is None:
        return _ALL
    licence = license_by_iri(source.licence_iri)
    if licence is None:
        raise RemixLicenceError(
            f"source {source.source_id} carries the licence {source.licence_iri[:200]}, which is "
            "not one whose remix rules we know", source.source_id,
        )
    if licence.code in _NO_DERIVATIVES:
        return frozenset()
    if licence.code in _SHARE_ALIKE:
        return frozenset({_SHARE_ALIKE[licence.code]})
    if licence.code in _NON_COMMERCIAL:
        return _NON_COMMERCIAL
    return _ALL


def check_remix_licence(remix_licence: License, sources: Sequence[SourceLicence]) -> None:
    """Raise RemixLicenceError naming the source and its licence unless `remix_licence` satisfies
    every source at once."""
    allowed = _ALL
    for source in sources:
        permitted = allowed_remix_licences(source)
        name = _name(source)
        if not permitted:
            raise RemixLicenceError(
                f"source {source.source_id} is under {name}, which forbids derivatives (NoDerivatives)",
                source.source_id,
            )
        if not permitted & allowed:
            raise RemixLicenceError(_conflict(source, sources), source.source_id)
        allowed = allowed & permitted
        if remix_licence.code not in permitted:
            raise RemixLicenceError(
                f"source {source.source_id} is under {name}: {_requirement(permitted)}, "
                f"not {remix_licence.name}",
                source.source_id,
            )


def combined_remix_licences(sources: Sequence[SourceLicence]) -> tuple[License, ...]:
    """The licences (catalog order) a remix of all `sources` may carry; () when none can."""
    allowed = _ALL
    for source in sources:
        allowed = allowed & allowed_remix_licences(source)
    return tuple(license for license in LICENSES if license.code in allowed)


def _requirement(permitted: frozenset[str]) -> str:
    if permitted == _NON_COMMERCIAL:
        return "a remix of NonCommercial material must be NonCommercial too"
    (code,) = permitted
    return f"its ShareAlike term requires the remix to be {_names([code])}"


def _conflict(source: SourceLicence, sources: Sequence[SourceLicence]) -> str:
    """Name the earlier source whose rule cannot hold together with `source`'s."""
    permitted = allowed_remix_licences(source)
    for other in sources:
        if other is source:
            break
        if not allowed_remix_licences(other) & permitted:
            return (
                f"source {source.source_id} ({_name(source)}) and source {other.source_id} "
                f"({_name(other)}) cannot be combined: no licence satisfies both"
            )
    return f"source {source.source_id} ({_name(source)}) cannot be combined with the other sources"


def _name(source: SourceLicence) -> str:
    licence = license_by_iri(source.licence_iri) if source.licence_iri else None
    return licence.name if licence is not None else "no stated licence"


def _names(codes: Sequence[str]) -> str:
    return " or ".join(license.name for license in LICENSES if license.code in codes)
