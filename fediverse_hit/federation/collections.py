"""OrderedCollection documents for actor collections."""

from __future__ import annotations

from typing import Any

from fediverse_hit.protocol.vocab import AS_CONTEXT


def empty_collection(collection_id: str) -> dict[str, Any]:
    """An OrderedCollection with no items (Mastodon reads `totalItems`)."""
    return {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": 0,
        "orderedItems": [],
    }
