"""`fhit:PaymentProposal` and `fhit:PaymentStatement` on the wire (DESIGN §7, docs/vocabulary.md):
build and parse, with the arithmetic checked on reading.

Both documents state everything their lines were computed from: the earning, the contributor pool
share, the credits with each actor's exact share (`fhit:exactShare`, a reduced fraction "n/d"),
and every adjustment. A reader recomputes the lines with `protocol/payments.py` and refuses a
document whose lines differ, so a statement can be checked by anyone, on any server, without the
project's server. Signing is the caller's (the project's eddsa-jcs-2022 proof, FEP-8b32).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

from fediverse_hit.protocol.credits import CreditsError, round_to_basis_points
from fediverse_hit.protocol.currencies import CurrencyError
from fediverse_hit.protocol.payments import (
    Adjustment,
    Earning,
    PaymentError,
    build_earning,
    check_amount,
    check_pool_share,
    compute_lines,
)
from fediverse_hit.protocol.vocab import AS_CONTEXT, DATA_INTEGRITY_V1, FHIT_NAMESPACE

MAX_CREDITED = 1_000  # actors one payment may credit; bounds what a reader recomputes
MAX_ADJUSTMENTS = 200
MAX_SHARE_DIGITS = 4_000  # Python refuses to read longer integers from text (sys.int_info)
MAX_NOTE_CHARS = 500

_IRI = {"@type": "@id"}
PAYMENT_TERMS: dict[str, object] = {
    "fhit": FHIT_NAMESPACE,
    "fhit:work": {"@id": "fhit:work", **_IRI},
    "fhit:proposal": {"@id": "fhit:proposal", **_IRI},
    "fhit:from": {"@id": "fhit:from", **_IRI},
    "fhit:to": {"@id": "fhit:to", **_IRI},
}
PAYMENT_CONTEXT: list[object] = [AS_CONTEXT, DATA_INTEGRITY_V1, PAYMENT_TERMS]


class PaymentKind(StrEnum):
    """The two payment documents: open for comment, then final."""

    PROPOSAL = "fhit:PaymentProposal"
    STATEMENT = "fhit:PaymentStatement"


class PaymentShapeError(ValueError):
    """A payment document that is malformed or whose lines do not follow from what it states."""


@dataclass(frozen=True)
class PaymentTerms:
    """What a payment is computed from: who pays for which work, the earning, the pool share,
    the credits (exact shares) and the curators' adjustments."""

    project: str
    work: str
    earning: Earning
    earning_note: str
    earned_on: date
    pool_share: int
    shares: Mapping[str, Fraction]
    adjustments: tuple[Adjustment, ...] = ()
    credits_id: str | None = None


@dataclass(frozen=True)
class ParsedPayment:
    """A payment document read and checked: its terms, the pool and the lines they give."""

    id: str
    kind: PaymentKind
    terms: PaymentTerms
    pool: int
    lines: dict[str, int]
    proposal: str | None
    published: str | None
    end_time: str | None
    to: tuple[str, ...]


def build_payment_document(
    kind: PaymentKind,
    document_id: str,
    terms: PaymentTerms,
    *,
    published: str,
    proposal: str | None = None,
    end_time: str | None = None,
    cc: Sequence[str] = (),
) -> dict[str, Any]:
    """The proposal or statement for `terms`, addressed to every credited actor (and `cc`).

    A statement names the proposal it finalizes; a proposal says when comments close (`endTime`).
    """
    pool, lines = compute_lines(terms.earning, terms.pool_share, terms.shares, terms.adjustments)
    _check_share_sizes(terms.shares)
    document: dict[str, Any] = {
        "@context": copy.deepcopy(PAYMENT_CONTEXT),
        "id": document_id,
        "type": str(kind),
        "attributedTo": terms.project,
        "fhit:work": terms.work,
        "fhit:earning": _earning_entry(terms),
        "fhit:contributorPool": terms.pool_share,
        "fhit:pool": pool,
        "fhit:currency": terms.earning.currency,
        "fhit:credits": _credits_entry(terms),
        "fhit:lines": [
            {"type": "fhit:PaymentLine", "actor": actor, "fhit:amount": lines[actor]} for actor in sorted(lines)
        ],
        "fhit:adjustments": [_adjustment_entry(adjustment) for adjustment in terms.adjustments],
        "published": published,
        "to": sorted(lines),
    }
    if cc:
        document["cc"] = list(cc)
    if proposal is not None:
        document["fhit:proposal"] = proposal
    if end_time is not None:
        document["endTime"] = end_time
    return document


def parse_payment_document(document: Mapping[str, Any], kind: PaymentKind) -> ParsedPayment:
    """The proposal or statement in `document`, its lines recomputed from its terms and compared.

    PaymentShapeError names the first thing wrong: a missing field, an amount over the cap, an
    unknown currency, a line in another currency, lines that do not follow from the credits.
    """
    if document.get("type") != kind:
        raise PaymentShapeError(f"not a {kind}")
    try:
        terms = _read_terms(document)
        pool, lines = compute_lines(terms.earning, terms.pool_share, terms.shares, terms.adjustments)
    except (PaymentError, CurrencyError, CreditsError) as exc:
        raise PaymentShapeError(str(exc)) from None
    if _int(document, "fhit:pool") != pool:
        raise PaymentShapeError(f"fhit:pool is {document.get('fhit:pool')!r:.40}; the earning and pool share give {pool}")
    stated = _read_lines(document, terms.earning.currency)
    if stated != {actor: amount for actor, amount in lines.items() if amount or actor in stated}:
        raise PaymentShapeError("fhit:lines do not follow from the credits, pool and adjustments stated")
    if kind == PaymentKind.STATEMENT and _iri(document.get("fhit:proposal")) is None:
        raise PaymentShapeError("a statement names the proposal it finalizes (fhit:proposal)")
    return ParsedPayment(
        id=_required_iri(document, "id"),
        kind=kind,
        terms=terms,
        pool=pool,
        lines=lines,
        proposal=_iri(document.get("fhit:proposal")),
        published=_text(document.get("published")),
        end_time=_text(document.get("endTime")),
        to=tuple(iri for iri in map(_iri, _as_list(document.get("to"))) if iri is not None),
    )


def format_share(share: Fraction) -> str:
    """An exact share as text: "3/8" (always reduced, "1/1" for all of it)."""
    return f"{share.numerator}/{share.denominator}"


def parse_share(value: object) -> Fraction:
    """A share written as "n/d" (reduced, 0 ≤ n/d ≤ 1); PaymentShapeError otherwise."""
    if not isinstance(value, str) or value.count("/") != 1:
        raise PaymentShapeError(f"fhit:exactShare must be a fraction written n/d, not {value!r:.40}")
    numerator, denominator = value.split("/")
    if not (numerator.isascii() and numerator.isdigit() and denominator.isascii() and denominator.isdigit()):
        raise PaymentShapeError(f"fhit:exactShare must be a fraction written n/d, not {value!r:.40}")
    if max(len(numerator), len(denominator)) > MAX_SHARE_DIGITS:
        raise PaymentShapeError(f"fhit:exactShare has more than {MAX_SHARE_DIGITS} digits")
    share = Fraction(int(numerator), int(denominator)) if int(denominator) else None
    if share is None or format_share(share) != value or share > 1:
        raise PaymentShapeError(f"fhit:exactShare {value:.40} is not a reduced fraction between 0 and 1")
    return share


def _earning_entry(terms: PaymentTerms) -> dict[str, Any]:
    return {
        "type": "fhit:Earning",
        "fhit:amount": terms.earning.amount,
        "fhit:costs": terms.earning.costs,
        "fhit:currency": terms.earning.currency,
        "fhit:date": terms.earned_on.isoformat(),
        "summary": terms.earning_note,
    }


def _credits_entry(terms: PaymentTerms) -> dict[str, Any]:
    points = round_to_basis_points(terms.shares)
    entry: dict[str, Any] = {"type": "OrderedCollection", "totalItems": len(terms.shares)}
    if terms.credits_id is not None:
        entry["id"] = terms.credits_id
    entry["orderedItems"] = [
        {"type": "fhit:Credit", "actor": actor, "fhit:share": points[actor], "fhit:exactShare": format_share(share)}
        for actor, share in sorted(terms.shares.items(), key=lambda item: (-item[1], item[0]))
    ]
    return entry


def _adjustment_entry(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "type": "fhit:Adjustment",
        "fhit:from": adjustment.source,
        "fhit:to": adjustment.target,
        "fhit:amount": adjustment.amount,
        "summary": adjustment.reason,
    }


def _read_terms(document: Mapping[str, Any]) -> PaymentTerms:
    earning_entry = _object(document, "fhit:earning")
    earning = build_earning(earning_entry.get("fhit:amount"), earning_entry.get("fhit:costs"), earning_entry.get("fhit:currency"))
    if document.get("fhit:currency") != earning.currency:
        raise PaymentShapeError("fhit:currency differs from the earning's currency: currencies are never mixed")
    try:
        earned_on = date.fromisoformat(str(earning_entry.get("fhit:date")))
    except ValueError:
        raise PaymentShapeError("the earning's fhit:date must be a date (YYYY-MM-DD)") from None
    credits = _object(document, "fhit:credits")
    return PaymentTerms(
        project=_required_iri(document, "attributedTo"),
        work=_required_iri(document, "fhit:work"),
        earning=earning,
        earning_note=_text(earning_entry.get("summary"), MAX_NOTE_CHARS) or "",
        earned_on=earned_on,
        pool_share=check_pool_share(document.get("fhit:contributorPool")),
        shares=_read_shares(credits),
        adjustments=_read_adjustments(document),
        credits_id=_iri(credits.get("id")),
    )


def _read_shares(credits: Mapping[str, Any]) -> dict[str, Fraction]:
    items = _bounded_list(credits.get("orderedItems"), "fhit:credits orderedItems", MAX_CREDITED)
    shares: dict[str, Fraction] = {}
    points: dict[str, object] = {}
    for item in items:
        actor = _required_iri(item, "actor") if isinstance(item, Mapping) else None
        if actor is None or item.get("type") != "fhit:Credit":
            raise PaymentShapeError("each credit is a fhit:Credit with an actor")
        if actor in shares:
            raise PaymentShapeError(f"{actor} is credited twice")
        shares[actor] = parse_share(item.get("fhit:exactShare"))
        points[actor] = item.get("fhit:share")
    if sum(shares.values(), Fraction(0)) != 1:
        raise PaymentShapeError("the credits' exact shares do not sum to 1")
    if points != round_to_basis_points(shares):
        raise PaymentShapeError("the credits' fhit:share basis points do not match their exact shares")
    return shares


def _read_adjustments(document: Mapping[str, Any]) -> tuple[Adjustment, ...]:
    entries = _bounded_list(document.get("fhit:adjustments", []), "fhit:adjustments", MAX_ADJUSTMENTS)
    adjustments = []
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") != "fhit:Adjustment":
            raise PaymentShapeError("each adjustment is a fhit:Adjustment")
        amount = check_amount(entry.get("fhit:amount"), "adjustment amount")
        reason = _text(entry.get("summary"), MAX_NOTE_CHARS) or ""
        adjustments.append(
            Adjustment(_required_iri(entry, "fhit:from"), _required_iri(entry, "fhit:to"), amount, reason)
        )
    return tuple(adjustments)


def _read_lines(document: Mapping[str, Any], currency: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for entry in _bounded_list(document.get("fhit:lines"), "fhit:lines", MAX_CREDITED + MAX_ADJUSTMENTS):
        if not isinstance(entry, Mapping) or entry.get("type") != "fhit:PaymentLine":
            raise PaymentShapeError("each line is a fhit:PaymentLine")
        if entry.get("fhit:currency", currency) != currency:
            raise PaymentShapeError(f"a line in {entry.get('fhit:currency')!r:.10} in a {currency} payment: currencies are never mixed")
        actor = _required_iri(entry, "actor")
        if actor in lines:
            raise PaymentShapeError(f"{actor} has two lines")
        lines[actor] = check_amount(entry.get("fhit:amount"), "line amount")
    return lines


def _object(document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = document.get(name)
    if not isinstance(value, Mapping):
        raise PaymentShapeError(f"{name} must be an object")
    return value


def _bounded_list(value: object, name: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise PaymentShapeError(f"{name} must be a list")
    if len(value) > limit:
        raise PaymentShapeError(f"{name} has {len(value)} entries; at most {limit} are read")
    return value


def _int(document: Mapping[str, Any], name: str) -> int | None:
    value = document.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _iri(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def _required_iri(document: Mapping[str, Any], name: str) -> str:
    iri = _iri(document.get(name))
    if iri is None:
        raise PaymentShapeError(f"{name} must be an http(s) IRI")
    return iri


def _text(value: object, limit: int = 100) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise PaymentShapeError(f"a text field must be a string of at most {limit} characters")
    return value


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _check_share_sizes(shares: Mapping[str, Fraction]) -> None:
    for actor, share in shares.items():
        if len(str(share.denominator)) > MAX_SHARE_DIGITS:
            raise PaymentError(f"the share of {actor} is too fine to publish (over {MAX_SHARE_DIGITS} digits)")
