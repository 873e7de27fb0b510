"""Consent-respecting quotes (FEP-044f): QuoteRequest, its Accept/Reject, the QuoteAuthorization
stamp, its revocation, and the `interactionPolicy.canQuote` a work advertises.

Shapes follow FEP-044f (codeberg.org/fediverse/fep, fep/044f/fep-044f.md) as Mastodon 4.5+
sends and reads them: app/serializers/activitypub/quote_request_serializer.rb,
accept_quote_request_serializer.rb, quote_authorization_serializer.rb, and
app/lib/activitypub/activity/{quote_request,accept,reject,delete}.rb. Pure: no DB, no network.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fediverse_hit.protocol.remix_notes import QUOTE_FIELDS
from fediverse_hit.protocol.vocab import AS_CONTEXT, GTS_NAMESPACE, PUBLIC_COLLECTION

FEP_044F = "https://w3id.org/fep/044f#"

# Terms defined inline (FEP-044f's own context is not preloaded anywhere), spelled as Mastodon's
# app/helpers/context_helper.rb `quote_requests` / `quote_authorizations` extensions do.
QUOTE_TERMS: dict[str, object] = {
    "gts": GTS_NAMESPACE,
    "QuoteRequest": f"{FEP_044F}QuoteRequest",
    "QuoteAuthorization": f"{FEP_044F}QuoteAuthorization",
    "quote": {"@id": f"{FEP_044F}quote", "@type": "@id"},
    "quoteAuthorization": {"@id": f"{FEP_044F}quoteAuthorization", "@type": "@id"},
    "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
    "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"},
}
QUOTE_CONTEXT: list[object] = [AS_CONTEXT, QUOTE_TERMS]

# The fields a quote post uses to point at what it quotes (FEP-044f "Compatibility").


class QuotePolicy(StrEnum):
    """Who may quote (and so remix) a work: the author's choice per work and as a default."""

    ANYONE = "anyone"
    FOLLOWERS = "followers"
    MANUAL = "manual"


class ConsentState(StrEnum):
    """Where a QuoteRequest stands, on either side."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REVOKED = "revoked"


class QuoteShapeError(ValueError):
    """A QuoteRequest, or an answer to one, that lacks what FEP-044f requires."""


@dataclass(frozen=True)
class ParsedQuoteRequest:
    """An inbound QuoteRequest: who asks (`actor`), to quote what (`quoted`), in which post
    (`instrument`, with the post itself when it was inlined)."""

    id: str
    actor: str
    quoted: str
    instrument: str
    instrument_document: dict[str, Any] | None


def _iri(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, list) and value:
        return _iri(value[0])  # Mastodon's `first_of_value`
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value
    return None


def build_quote_request(request_id: str, actor: str, quoted: str, instrument: Mapping[str, Any] | str) -> dict[str, Any]:
    """`actor` asks the author of `quoted` to approve `instrument` (inlined when given as the
    post itself, without its @context, as Mastodon does with `allow_post_inlining`)."""
    if isinstance(instrument, Mapping):
        instrument = {key: value for key, value in instrument.items() if key != "@context"}
    return {
        "@context": copy.deepcopy(QUOTE_CONTEXT),
        "id": request_id,
        "type": "QuoteRequest",
        "actor": actor,
        "object": quoted,
        "instrument": instrument,
    }


def parse_quote_request(document: Mapping[str, Any]) -> ParsedQuoteRequest:
    """The QuoteRequest in `document`; QuoteShapeError names what is missing."""
    if document.get("type") != "QuoteRequest":
        raise QuoteShapeError("not a QuoteRequest")
    request_id, actor = _iri(document.get("id")), _iri(document.get("actor"))
    quoted, instrument = _iri(document.get("object")), _iri(document.get("instrument"))
    if request_id is None or actor is None:
        raise QuoteShapeError("a QuoteRequest needs an `id` and an `actor`")
    if quoted is None:
        raise QuoteShapeError("a QuoteRequest needs the quoted object as `object`")
    if instrument is None:
        raise QuoteShapeError("a QuoteRequest needs the quote post as `instrument`")
    inlined = document.get("instrument")
    return ParsedQuoteRequest(
        request_id, actor, quoted, instrument, dict(inlined) if isinstance(inlined, Mapping) else None
    )


def build_quote_answer(
    kind: str, answer_id: str, actor: str, request: ParsedQuoteRequest, stamp: str | None = None
) -> dict[str, Any]:
    """Accept (with the stamp as `result`) or Reject of `request`, embedding it by its own id.

    The embedded request names the instrument by IRI only: Mastodon matches the answer by the
    request's `id` (accept.rb `quote_request_from_object`) and the post need not travel back.
    """
    if kind not in ("Accept", "Reject"):
        raise ValueError(f"not a quote answer: {kind}")
    if (kind == "Accept") != (stamp is not None):
        raise ValueError("an Accept carries the stamp as `result`, a Reject none")
    answer: dict[str, Any] = {
        "@context": copy.deepcopy(QUOTE_CONTEXT),
        "id": answer_id,
        "type": kind,
        "actor": actor,
        "to": [request.actor],
        "object": {
            "id": request.id,
            "type": "QuoteRequest",
            "actor": request.actor,
            "object": request.quoted,
            "instrument": request.instrument,
        },
    }
    if stamp is not None:
        answer["result"] = stamp
    return answer


def answered_request_id(document: Mapping[str, Any]) -> str | None:
    """The id of the request an Accept or Reject answers (`object`, by IRI or embedded)."""
    return _iri(document.get("object"))


def answer_result(document: Mapping[str, Any]) -> str | None:
    """The stamp an Accept names as its `result` (first value, by IRI or embedded)."""
    return _iri(document.get("result"))


def build_quote_authorization(stamp_id: str, author: str, quote_post: str, quoted: str) -> dict[str, Any]:
    """The stamp proving `author` approved `quote_post` quoting their `quoted` work. Neither
    object is embedded (FEP-044f: no information leaks through the stamp)."""
    return {
        "@context": copy.deepcopy(QUOTE_CONTEXT),
        "id": stamp_id,
        "type": "QuoteAuthorization",
        "attributedTo": author,
        "interactingObject": quote_post,
        "interactionTarget": quoted,
    }


def build_stamp_delete(activity_id: str, author: str, stamp_id: str, to: list[str]) -> dict[str, Any]:
    """Revocation: `author` Deletes the stamp, named by IRI only (FEP-044f "Revoking")."""
    return {
        "@context": copy.deepcopy(QUOTE_CONTEXT),
        "id": activity_id,
        "type": "Delete",
        "actor": author,
        "to": list(to),
        "object": stamp_id,
    }


def quote_interaction_policy(policy: str, is_open: bool, author: str, followers: str) -> dict[str, Any]:
    """`interactionPolicy.canQuote` for a work. Public and unlisted works: anyone (automatic),
    followers (automatic for the followers collection), manual (`manualApproval` of the public).
    Other works only their author may quote, which FEP-044f spells as the author alone in
    `automaticApproval` (an empty list would vanish under JSON-LD)."""
    if not is_open:
        return {"canQuote": {"automaticApproval": [author]}}
    if policy == QuotePolicy.FOLLOWERS:
        return {"canQuote": {"automaticApproval": [followers, author]}}
    if policy == QuotePolicy.MANUAL:
        return {"canQuote": {"automaticApproval": [author], "manualApproval": [PUBLIC_COLLECTION]}}
    return {"canQuote": {"automaticApproval": [PUBLIC_COLLECTION]}}


def apply_quote_consent(note: dict[str, Any], stamp: str | None, state: str | None) -> dict[str, Any]:
    """The Note of a quote post as consent stands: with `quoteAuthorization` once accepted;
    without its quote fields once rejected or revoked (FEP-044f "Rejection": an Update that
    removes the quote part), so readers stop embedding the work quoted. Returns a new dict."""
    result = dict(note)
    if state in (ConsentState.REJECTED, ConsentState.REVOKED):
        for name in QUOTE_FIELDS:
            result.pop(name, None)
        return result
    if stamp is not None:
        result["quoteAuthorization"] = stamp
        result["@context"] = _with_terms(result.get("@context"))
    return result


def _with_terms(context: object) -> list[object]:
    entries: list[object] = (
        list(copy.deepcopy(context)) if isinstance(context, list) else [context if context else AS_CONTEXT]
    )
    for entry in entries:
        if isinstance(entry, dict) and "quoteAuthorization" in entry:
            return entries
    for entry in entries:
        if isinstance(entry, dict):
            entry.update({"quote": QUOTE_TERMS["quote"], "quoteAuthorization": QUOTE_TERMS["quoteAuthorization"]})
            return entries
    return [*entries, {"quote": QUOTE_TERMS["quote"], "quoteAuthorization": QUOTE_TERMS["quoteAuthorization"]}]
