"""Turning stored local actors into their AS2 documents and WebFinger answers."""

from __future__ import annotations

import html
from typing import Any

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.actors import (
    ActorImage,
    ActorInput,
    ActorKeyInput,
    ProjectFields,
    build_actor,
    build_project_actor,
)
from fediverse_hit.protocol.discovery import build_jrd
from fediverse_hit.protocol.keys import load_public_key_pem, public_key_to_multibase
from fediverse_hit.store.models import Actor, ActorKey, Project


def actor_to_ap(actor: Actor, keys: list[ActorKey], urls: InstanceUrls) -> dict[str, Any]:
    """The actor document of a local Person or of the instance actor (Application)."""
    is_person = actor.kind != "Application"
    user_collection = actor.username if is_person else None
    profile_url = urls.user_profile_page(actor.username) if is_person else urls.home()
    return build_actor(
        ActorInput(
            id=actor.uri,
            type=actor.kind,
            preferred_username=actor.username,
            name=actor.name or actor.username,
            summary_html=bio_to_html(actor.summary),
            url=profile_url,
            inbox=_collection(urls, user_collection, "inbox"),
            outbox=_collection(urls, user_collection, "outbox"),
            followers=_collection(urls, user_collection, "followers"),
            following=_collection(urls, user_collection, "following"),
            featured=_collection(urls, user_collection, "featured"),
            shared_inbox=urls.shared_inbox(),
            webfinger=urls.handle(actor.username),
            published=actor.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            attribution_domains=(urls.domain,),
            keys=tuple(_key_input(key) for key in keys),
            manually_approves_followers=actor.manually_approves_followers,
            discoverable=actor.discoverable,
            indexable=actor.indexable,
            icon=_icon(actor),
            image=_header(actor),
            profile_fields=tuple(
                (item["name"], value_to_html(item["value"])) for item in actor.profile_fields
            ),
            payment_links=tuple((item["name"], item["href"]) for item in actor.payment_links),
        )
    )


def project_to_ap(project: Project, actor: Actor, curators: list[Actor], keys: list[ActorKey], urls: InstanceUrls) -> dict[str, Any]:
    """The Group document of a local project (FEP-1b12): followable, curators in `attributedTo`."""
    slug = project.slug
    fields = ProjectFields(
        curators=tuple(curator.uri for curator in curators),
        curators_collection=urls.project_collection(slug, "curators"),
        submissions=urls.project_collection(slug, "submissions"),
        selected=urls.project_collection(slug, "selected"),
        context=urls.project_collection(slug, "context"),
        pool_bp=project.pool_bp,
        comment_days=project.comment_days,
        license=project.license,
        terms=project.terms,
    )
    group = ActorInput(
        id=actor.uri,
        type="Group",
        preferred_username=slug,
        name=project.title,
        summary_html=bio_to_html(project.description),
        url=urls.project(slug),
        inbox=urls.project_collection(slug, "inbox"),
        outbox=urls.project_collection(slug, "outbox"),
        followers=urls.project_collection(slug, "followers"),
        following=urls.project_collection(slug, "following"),
        featured=urls.project_collection(slug, "featured"),
        shared_inbox=urls.shared_inbox(),
        webfinger=urls.handle(slug),
        published=actor.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        attribution_domains=(urls.domain,),
        keys=tuple(_key_input(key) for key in keys),
        icon=_icon(actor),
    )
    return build_project_actor(group, fields)


def actor_jrd(actor: Actor, urls: InstanceUrls) -> dict[str, Any]:
    """The WebFinger answer for a local actor: a person, a project (Group) or the instance actor."""
    is_person = actor.kind != "Application"
    profile = urls.actor_page(actor.kind, actor.username) if is_person else None
    aliases = list(dict.fromkeys([actor.uri] + ([profile] if profile else [])))
    interaction = urls.authorize_interaction() if is_person else None
    return build_jrd(urls.acct(actor.username), aliases, actor.uri, profile, interaction)


def _collection(urls: InstanceUrls, username: str | None, name: str) -> str:
    if username is None:
        return urls.instance_collection(name)
    return urls.user_collection(username, name)


def _key_input(key: ActorKey) -> ActorKeyInput:
    if key.algorithm == "ed25519":
        multibase = public_key_to_multibase(load_public_key_pem(key.public_pem))
        return ActorKeyInput(key_id=key.key_id, algorithm="ed25519", public_multibase=multibase)
    return ActorKeyInput(key_id=key.key_id, algorithm=key.algorithm, public_pem=key.public_pem)


def _header(actor: Actor) -> ActorImage | None:
    if not actor.image_url:
        return None
    return ActorImage(url=actor.image_url, media_type=actor.image_media_type, alt=actor.image_alt)


def _icon(actor: Actor) -> ActorImage | None:
    if not actor.icon_url:
        return None
    return ActorImage(url=actor.icon_url, media_type=actor.icon_media_type, alt=actor.icon_alt)


def bio_to_html(text: str) -> str:
    """Plain-text bio as HTML paragraphs (escaped; blank lines separate paragraphs)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def value_to_html(value: str) -> str:
    """A profile field value as Mastodon shows it: links become `rel="me"` anchors."""
    text = value.strip()
    if text.startswith(("https://", "http://")) and " " not in text:
        href = html.escape(text, quote=True)
        return f'<a href="{href}" rel="me nofollow noopener noreferrer" target="_blank">{html.escape(text)}</a>'
    return html.escape(text)
