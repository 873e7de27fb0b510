"""Local accounts, their personal access tokens and invites."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor


class Account(Model):
    """A person who logs in here. Their public face is the linked local `Actor`."""

    id = fields.IntField(primary_key=True)
    actor: fields.OneToOneRelation[Actor] = fields.OneToOneField(
        "hit.Actor", related_name="account", on_delete=fields.CASCADE
    )
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    is_admin = fields.BooleanField(default=False)
    hide_collections = fields.BooleanField(default=False)
    quote_policy = fields.CharField(max_length=16, default="anyone")  # default for new works (FEP-044f)
    session_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    # Set by an admin: no log-in, sessions and tokens refused, until lifted (Mastodon's suspension, reversible).
    suspended_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    tokens: fields.ReverseRelation[AccessToken]

    class Meta:
        table = "accounts"


class AccessToken(Model):
    """A personal access token for the client-to-server API. Only its SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "hit.Account", related_name="tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "access_tokens"


class Invite(Model):
    """An invite code for invite-only registration."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    created_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "hit.Account", related_name="invites", null=True, on_delete=fields.SET_NULL
    )
    max_uses = fields.IntField(default=1)
    uses = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invites"
