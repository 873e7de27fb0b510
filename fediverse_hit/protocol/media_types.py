"""Media types of ActivityStreams documents and the Accept-header rule for choosing them."""

from __future__ import annotations

ACTIVITY_JSON = "application/activity+json"
LD_JSON_AS2 = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JRD_JSON = "application/jrd+json"
XRD_XML = "application/xrd+xml"
# NodeInfo link relations (PROTOCOL.md): no trailing '#', unlike the content-type profile.
NODEINFO_21_REL = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_20_REL = "http://nodeinfo.diaspora.software/ns/schema/2.0"

# What we send when fetching (DESIGN §5).
FETCH_ACCEPT = f"{ACTIVITY_JSON}, {LD_JSON_AS2}"


def accepts_activity_json(accept: str) -> bool:
    """True when an Accept header asks for an AS2 document rather than an HTML page.

    `application/activity+json` and `application/ld+json` always win; bare `application/json`
    counts too unless the client also lists `text/html` (browsers), as Mastodon treats it.
    """
    value = accept.lower()
    if "application/activity+json" in value or "application/ld+json" in value:
        return True
    return "application/json" in value and "text/html" not in value


def is_activity_media_type(content_type: str) -> bool:
    """True for the content types an AS2 document may be served with."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base == ACTIVITY_JSON:
        return True
    return base == "application/ld+json" and "activitystreams" in content_type.lower()
