"""Payments as a contributor's server keeps them (DESIGN §7): each project-signed statement
verbatim, with the project's actor document it was verified against, and the ledger entries it
made for local people. Append-only: corrections arrive as new statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor


class SignedStatement(Model):
    """A payment statement exactly as its project signed it, one row per statement id.

    `statement_json` is the statement with its proof and `project_json` the project's actor
    document holding the key, so the entry stays verifiable after the project's server is gone.
    """

    id = fields.BigIntField(primary_key=True)
    statement_uri = fields.CharField(max_length=2048, unique=True)
    project_uri = fields.CharField(max_length=2048, db_index=True)
    project_name = fields.CharField(max_length=255, default="")
    work_uri = fields.CharField(max_length=2048)
    currency = fields.CharField(max_length=3)
    published = fields.CharField(max_length=64, default="")
    statement_json = fields.TextField()
    project_json = fields.TextField()
    received_at = fields.DatetimeField(auto_now_add=True)

    entries: fields.ReverseRelation[LedgerEntry]

    class Meta:
        table = "signed_statements"


class LedgerEntry(Model):
    """One line of a statement owed to a local person, in minor units of the statement currency."""

    id = fields.BigIntField(primary_key=True)
    statement: fields.ForeignKeyRelation[SignedStatement] = fields.ForeignKeyField(
        "hit.SignedStatement", related_name="entries", on_delete=fields.RESTRICT
    )
    person: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="ledger_entries", on_delete=fields.CASCADE
    )
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "ledger_entries"
        unique_together = (("statement", "person"),)
