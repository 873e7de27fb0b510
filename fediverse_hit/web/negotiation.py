"""Content negotiation in one place: AS2 JSON for ActivityPub clients, HTML for browsers."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.protocol.media_types import ACTIVITY_JSON, accepts_activity_json


def wants_activity_json(request: Request) -> bool:
    """True when the client asked for an ActivityStreams document."""
    return accepts_activity_json(request.headers.get("accept", ""))


def activity_response(document: dict[str, Any], status_code: int = 200) -> Response:
    """An AS2 document as `application/activity+json`, varying on Accept for caches."""
    return stored_activity_response(json.dumps(document, ensure_ascii=False, separators=(",", ":")), status_code)


def stored_activity_response(text: str, status_code: int = 200) -> Response:
    """A stored AS2 document sent exactly as kept (signed documents must not be re-serialized)."""
    body = text.encode("utf-8")
    return Response(
        body,
        status_code=status_code,
        media_type=ACTIVITY_JSON,
        headers={"Vary": "Accept", "Cache-Control": "max-age=60, public"},
    )


def json_response(document: dict[str, Any], media_type: str, max_age: int = 300) -> Response:
    """A JSON document with an explicit media type (JRD, NodeInfo) and CORS for browsers."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(
        body,
        media_type=media_type,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": f"max-age={max_age}, public"},
    )
