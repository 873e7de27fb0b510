"""OrderedCollection documents for actor collections, paged the way Mastodon pages them:
the collection gives `totalItems` and `first`; pages give `orderedItems`, `next`, `partOf`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fediverse_hit.errors import BadRequest
from fediverse_hit.protocol.vocab import AS_CONTEXT

PAGE_SIZE = 40


def empty_collection(collection_id: str) -> dict[str, Any]:
    """An OrderedCollection with no items (Mastodon reads `totalItems`)."""
    return {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": 0,
        "orderedItems": [],
    }


def page_url(collection_id: str, page: int) -> str:
    """The IRI of page `page` (1-based) of a collection we serve."""
    return f"{collection_id}?page={page}"


def build_collection(collection_id: str, total: int, *, hidden: bool = False) -> dict[str, Any]:
    """The collection head; a hidden collection shows its size but links no pages."""
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if not hidden:
        document["first"] = page_url(collection_id, 1)
    return document


def build_collection_page(
    collection_id: str, page: int, total: int, items: Sequence[str | dict[str, Any]]
) -> dict[str, Any]:
    """One page of IRIs (or embedded activities); `next` only when more items follow."""
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": page_url(collection_id, page),
        "type": "OrderedCollectionPage",
        "totalItems": total,
        "partOf": collection_id,
        "orderedItems": items,
    }
    if page * PAGE_SIZE < total:
        document["next"] = page_url(collection_id, page + 1)
    if page > 1:
        document["prev"] = page_url(collection_id, page - 1)
    return document


def parse_page_number(value: str | None) -> int | None:
    """The `?page=` number of a collection request (None asks for the collection head)."""
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise BadRequest("`page` must be a positive number.")
    return int(value)
