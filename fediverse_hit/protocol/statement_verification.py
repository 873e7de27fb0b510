"""Whether a `fhit:PaymentStatement` was made by the project it names (DESIGN §7 Payments).

A statement counts only when its eddsa-jcs-2022 proof (FEP-8b32) is made with a key in the
`assertionMethod` of the project's own `Group` actor document, and the statement, the project and
the key are on one origin: no server can state payments for another server's project. The lookup
from the project id to its actor document is injected (fetched once, or a stored copy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.author_keys import ActorLookup, resolve_author_key
from fediverse_hit.protocol.integrity_proofs import ProofError, VerificationPolicy, verify_proof
from fediverse_hit.protocol.payment_documents import ParsedPayment, PaymentKind, PaymentShapeError, parse_payment_document
from fediverse_hit.protocol.signature_primitives import authority_of

GROUP = "Group"


class StatementRefused(ValueError):
    """A statement not to record; `reason` says why in one line, safe to show and log."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def verify_payment_statement(
    document: Mapping[str, Any],
    lookup_actor: ActorLookup,
    policy: VerificationPolicy = VerificationPolicy(),
) -> ParsedPayment:
    """The statement read, its arithmetic checked and its proof verified as the project's.

    Raises StatementRefused: malformed or inconsistent lines, a statement id on another origin
    than its project, no proof, a proof by any key but one of the project's Group actor.
    """
    try:
        statement = parse_payment_document(document, PaymentKind.STATEMENT)
    except PaymentShapeError as exc:
        raise StatementRefused(f"malformed statement: {exc}") from None
    project = statement.terms.project
    if _origin(statement.id) != _origin(project):
        raise StatementRefused(f"statement {statement.id} is not on the origin of its project {project}")
    actor = _lookup(project, lookup_actor)
    if actor.get("type") != GROUP:
        raise StatementRefused(f"{project} is not a project (a Group actor)")

    def resolve_key(method: str) -> ed25519.Ed25519PublicKey:
        return resolve_author_key(method, [project], lambda _: actor)[1]

    try:
        verify_proof(document, resolve_key, policy)
    except ProofError as exc:  # an unknown key or another actor's key comes here too
        raise StatementRefused(f"proof refused: {exc.reason}") from None
    return statement


def _lookup(project: str, lookup_actor: ActorLookup) -> Mapping[str, Any]:
    try:
        actor = lookup_actor(project)
    except LookupError as exc:
        raise StatementRefused(f"the project {project} could not be read: {exc}") from None
    if actor is None or actor.get("id") != project:
        raise StatementRefused(f"the project {project} could not be read")
    return actor


def _origin(iri: str) -> str:
    """scheme://authority, the origin of RFC 6454 (default ports left out)."""
    try:
        return f"{urlsplit(iri).scheme.lower()}://{authority_of(iri)}"
    except ValueError:
        return ""
