"""Inbound Create of a `fhit:PaymentStatement` (DESIGN §7 Payments): verified as the project's,
then recorded once in each local contributor's ledger.

Refused, with nothing recorded: a statement sent by anyone but its project, one whose proof is not
by a key in the project's Group actor `assertionMethod` or that lives on another origin, and a
statement id seen before with other lines. A refusal is logged, not retried (retrying cannot make
it valid); a project that cannot be fetched is an error, so the inbox item is tried again later.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fediverse_hit.errors import Conflict
from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.protocol.payment_documents import ParsedPayment, PaymentKind, PaymentShapeError, parse_payment_document
from fediverse_hit.protocol.statement_verification import StatementRefused, verify_payment_statement
from fediverse_hit.services.ledger import record_statement
from fediverse_hit.store.models import Actor

logger = logging.getLogger(__name__)


async def receive_statement(document: dict[str, Any], raw_json: str, sender: str, ctx: HandlerContext) -> None:
    """Verify the statement `sender` created and append its local lines to the ledgers."""
    project_uri = document.get("attributedTo")
    if project_uri != sender:
        logger.info("statement %.200s refused: sent by %.200s, not by its project", document.get("id"), sender)
        return
    try:
        stated = parse_payment_document(document, PaymentKind.STATEMENT)
    except PaymentShapeError as exc:
        logger.info("statement %.200s refused: %s", document.get("id"), exc)
        return
    people = [person for iri in stated.lines if (person := await ctx.local_person(iri)) is not None]
    if not people:
        return  # nobody here is paid: not worth fetching the project
    verified = await _verify(document, stated.terms.project, ctx)
    if verified is None:
        return
    statement, project = verified
    try:
        await record_statement(statement, raw_json, project, json.dumps(project.document), people)
    except Conflict as exc:
        logger.info("statement %.200s refused: %s", statement.id, exc.message)


async def _verify(document: dict[str, Any], project_uri: str, ctx: HandlerContext) -> tuple[ParsedPayment, Actor] | None:
    """The statement and its project when the proof holds; a proof that fails with the cached
    actor is tried once more with the actor fetched again (the project may have added a key)."""
    for refresh in (False, True):
        project = await get_remote_actor(project_uri, fetcher=ctx.fetcher, refresh=refresh)
        actor_document = project.document or {}
        try:
            return verify_payment_statement(document, {project_uri: actor_document}.get), project
        except StatementRefused as exc:
            if refresh or not exc.reason.startswith("proof refused"):
                logger.info("statement %.200s refused: %s", document.get("id"), exc.reason)
                return None
    return None
