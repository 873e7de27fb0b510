"""Building actor documents (Person, Application, Group) the way Mastodon reads them.

Fields follow DESIGN §4: `publicKey` (RSA, for HTTP signatures), `assertionMethod` Multikeys
(FEP-521a), `webfinger` (FEP-2c59), PropertyValue fields and FEP-0ea0 payment links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fediverse_hit.protocol.vocab import ACTOR_CONTEXT, PROJECT_ACTOR_CONTEXT


@dataclass(frozen=True)
class ActorKeyInput:
    """One public key to publish: RSA as PEM, Ed25519 as Multikey."""

    key_id: str
    algorithm: str  # "rsa" or "ed25519"
    public_pem: str = ""
    public_multibase: str = ""


@dataclass(frozen=True)
class ActorImage:
    url: str
    media_type: str
    alt: str = ""


@dataclass(frozen=True)
class ActorInput:
    """Everything an actor document is built from; no database rows, no URL building."""

    id: str
    type: str
    preferred_username: str
    name: str
    summary_html: str
    url: str
    inbox: str
    outbox: str
    followers: str
    following: str
    featured: str
    shared_inbox: str
    webfinger: str
    published: str
    attribution_domains: tuple[str, ...]
    keys: tuple[ActorKeyInput, ...]
    manually_approves_followers: bool = False
    discoverable: bool = True
    indexable: bool = True
    icon: ActorImage | None = None
    image: ActorImage | None = None
    profile_fields: tuple[tuple[str, str], ...] = ()
    payment_links: tuple[tuple[str, str], ...] = field(default=())


def build_actor(actor: ActorInput) -> dict[str, Any]:
    """The AS2 actor document for `actor`."""
    rsa_keys = [k for k in actor.keys if k.algorithm == "rsa"]
    document: dict[str, Any] = {
        "@context": ACTOR_CONTEXT,
        "id": actor.id,
        "type": actor.type,
        "preferredUsername": actor.preferred_username,
        "name": actor.name,
        "summary": actor.summary_html,
        "url": actor.url,
        "inbox": actor.inbox,
        "outbox": actor.outbox,
        "followers": actor.followers,
        "following": actor.following,
        "featured": actor.featured,
        "endpoints": {"sharedInbox": actor.shared_inbox},
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": actor.discoverable,
        "indexable": actor.indexable,
        "published": actor.published,
        "attributionDomains": list(actor.attribution_domains),
        "webfinger": actor.webfinger,
        "attachment": _attachments(actor),
        "assertionMethod": [
            {
                "id": key.key_id,
                "type": "Multikey",
                "controller": actor.id,
                "publicKeyMultibase": key.public_multibase,
            }
            for key in actor.keys
            if key.algorithm == "ed25519"
        ],
    }
    if rsa_keys:
        # Mastodon reads exactly one `publicKey`; the first RSA key is the one we sign with.
        document["publicKey"] = {
            "id": rsa_keys[0].key_id,
            "owner": actor.id,
            "publicKeyPem": rsa_keys[0].public_pem,
        }
    for key, picture in (("icon", actor.icon), ("image", actor.image)):
        if picture is not None:
            document[key] = {"type": "Image", "mediaType": picture.media_type, "url": picture.url, "name": picture.alt}
    return document


@dataclass(frozen=True)
class ProjectFields:
    """What a project's Group actor adds to an actor document (FEP-1b12; DESIGN §7)."""

    curators: tuple[str, ...]  # actor IRIs, in `attributedTo` (FEP-1b12 group moderators)
    curators_collection: str
    submissions: str
    selected: str
    context: str  # FEP-7888: everything in the project
    pool_bp: int
    comment_days: int
    license: str = ""
    terms: str = ""


def build_project_actor(actor: ActorInput, project: ProjectFields) -> dict[str, Any]:
    """The Group document of a project: an actor document plus its curators, its collections,
    the contributors' pool and comment window, and what submitting consents to."""
    document = build_actor(actor)
    document["@context"] = PROJECT_ACTOR_CONTEXT
    document["attributedTo"] = list(project.curators)
    document["fhit:curators"] = project.curators_collection
    document["fhit:submissions"] = project.submissions
    document["fhit:selected"] = project.selected
    document["context"] = project.context
    document["fhit:contributorPool"] = project.pool_bp
    document["fhit:commentDays"] = project.comment_days
    if project.license:
        document["license"] = project.license
    if project.terms:
        document["fhit:terms"] = project.terms
    return document


def _attachments(actor: ActorInput) -> list[dict[str, str]]:
    fields = [
        {"type": "PropertyValue", "name": name, "value": value}
        for name, value in actor.profile_fields
    ]
    payments = [
        {"type": "Link", "name": name, "href": href, "rel": "payment"}
        for name, href in actor.payment_links
    ]
    return fields + payments
