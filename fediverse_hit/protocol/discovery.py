"""WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo documents, built and parsed as data.

Mastodon finds actors through the `self` link whose type is exactly `application/activity+json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import quoteattr

from fediverse_hit.protocol.media_types import (
    ACTIVITY_JSON,
    NODEINFO_20_REL,
    NODEINFO_21_REL,
    XRD_XML,
)

PROFILE_PAGE_REL = "http://webfinger.net/rel/profile-page"
# "Follow from your server": Mastodon's remote-follow link (its template takes `{uri}`) and
# FEP-3b86 Activity Intents (templates take `{object}`), https://w3id.org/fep/3b86
SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
INTENT_FOLLOW_REL = "https://w3id.org/fep/3b86/Follow"
INTENT_OBJECT_REL = "https://w3id.org/fep/3b86/Object"
_INTENT_PLACEHOLDERS = ((INTENT_FOLLOW_REL, "{object}"), (SUBSCRIBE_REL, "{uri}"), (INTENT_OBJECT_REL, "{object}"))
_ACCT = re.compile(r"^(?:acct:)?@?([^@\s/]+)@([^@\s/]+)$", re.IGNORECASE)
MAX_RESOURCE_LENGTH = 2048


class ResourceError(ValueError):
    """A WebFinger `resource` that is not an acct: URI or an http(s) URL."""


@dataclass(frozen=True)
class WebFingerResource:
    """A parsed `resource`: either an account (user, host) or a URL."""

    user: str | None = None
    host: str | None = None
    url: str | None = None


def parse_webfinger_resource(resource: str) -> WebFingerResource:
    """Parse `acct:user@host`, `user@host` or an http(s) URL; ResourceError otherwise."""
    value = resource.strip()
    if not value or len(value) > MAX_RESOURCE_LENGTH:
        raise ResourceError("resource is missing or too long")
    if value.lower().startswith(("http://", "https://")):
        parts = urlsplit(value)
        if not parts.netloc:
            raise ResourceError("resource URL has no host")
        return WebFingerResource(url=value)
    match = _ACCT.match(unquote(value))
    if not match:
        raise ResourceError("resource must be acct:user@host or an http(s) URL")
    return WebFingerResource(user=match.group(1).lower(), host=match.group(2).lower())


def build_jrd(
    subject: str, aliases: list[str], actor_id: str, profile_url: str | None, interaction_url: str | None = None
) -> dict[str, Any]:
    """A JRD with the `self` ActivityPub link and, for people, the profile page link and the
    remote-interaction templates (`interaction_url` gets `?uri=` plus the object's IRI)."""
    links: list[dict[str, str]] = [{"rel": "self", "type": ACTIVITY_JSON, "href": actor_id}]
    if profile_url:
        links.insert(0, {"rel": PROFILE_PAGE_REL, "type": "text/html", "href": profile_url})
    if interaction_url:
        links += [{"rel": rel, "template": f"{interaction_url}?uri={placeholder}"} for rel, placeholder in _INTENT_PLACEHOLDERS]
    return {"subject": subject, "aliases": aliases, "links": links}


def interaction_target(jrd: dict[str, Any], object_iri: str) -> str | None:
    """Where a person's own server lets them follow or answer `object_iri`: the first usable
    template of their JRD (FEP-3b86 Follow, Mastodon's subscribe, FEP-3b86 Object) filled in
    with the IRI, or None. Only http(s) templates are used (a JRD may carry `javascript:`)."""
    links = jrd.get("links")
    usable = [link for link in links if isinstance(link, dict)] if isinstance(links, list) else []
    for rel, placeholder in _INTENT_PLACEHOLDERS:
        for link in usable:
            template = link.get("template")
            if (
                link.get("rel") == rel
                and isinstance(template, str)
                and placeholder in template
                and template.lower().startswith(("https://", "http://"))
            ):
                return template.replace(placeholder, quote(object_iri, safe=""))
    return None


def build_host_meta(webfinger_template: str) -> str:
    """The XRD host-meta document pointing at our WebFinger endpoint."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type={quoteattr(XRD_XML)} template={quoteattr(webfinger_template)}/>\n'
        "</XRD>\n"
    )


def build_nodeinfo_links(nodeinfo_21: str, nodeinfo_20: str) -> dict[str, Any]:
    """`/.well-known/nodeinfo`: where the 2.1 and 2.0 documents live."""
    return {
        "links": [
            {"rel": NODEINFO_21_REL, "href": nodeinfo_21},
            {"rel": NODEINFO_20_REL, "href": nodeinfo_20},
        ]
    }


@dataclass(frozen=True)
class NodeUsage:
    users_total: int
    active_month: int
    active_halfyear: int
    local_posts: int
    open_registrations: bool


def build_nodeinfo(version: str, software_version: str, usage: NodeUsage, node_name: str) -> dict[str, Any]:
    """A NodeInfo 2.1 or 2.0 document (the fields we fill are common to both)."""
    return {
        "version": version,
        "software": {"name": "fediverse-hit", "version": software_version},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": usage.open_registrations,
        "usage": {
            "users": {
                "total": usage.users_total,
                "activeMonth": usage.active_month,
                "activeHalfyear": usage.active_halfyear,
            },
            "localPosts": usage.local_posts,
        },
        "metadata": {"nodeName": node_name},
    }
