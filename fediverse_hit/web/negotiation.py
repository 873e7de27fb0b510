"""Content negotiation in one place: AS2 JSON for ActivityPub clients, HTML for browsers."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.protocol.media_types import ACTIVITY_JSON, accepts_activity_json
from fediverse_hit.web.validators import SHARED_REVALIDATED, entity_tag, none_match


def wants_activity_json(request: Request) -> bool:
    """True when the client asked for an ActivityStreams document."""
    return accepts_activity_json(request.headers.get("accept", ""))


def activity_response(
    document: dict[str, Any], status_code: int = 200, *, request: Request | None = None
) -> Response:
    """An AS2 document as `application/activity+json` (see `stored_activity_response`)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return stored_activity_response(text, status_code, request=request)


def stored_activity_response(text: str, status_code: int = 200, *, request: Request | None = None) -> Response:
    """A stored AS2 document sent exactly as kept (signed documents must not be re-serialized).

    Only documents anyone may fetch are served as AS2, so shared caches may keep them; they must
    revalidate, and a `request` whose `If-None-Match` holds the document's tag gets 304."""
    body = text.encode("utf-8")
    tag = entity_tag(body)
    headers = {"Vary": "Accept", "Cache-Control": SHARED_REVALIDATED, "ETag": tag}
    if status_code == 200 and request is not None and none_match(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type=ACTIVITY_JSON, headers=headers)


def json_response(document: dict[str, Any], media_type: str, max_age: int = 300) -> Response:
    """A JSON document with an explicit media type (JRD, NodeInfo) and CORS for browsers."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(
        body,
        media_type=media_type,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": f"max-age={max_age}, public"},
    )
