"""The remix part of the composer: the works a new contribution builds on (by URL), each with an
optional weight, and the share of its credit owed to them (DESIGN §7). People type percentages;
the wire carries basis points. A weight left empty gets an equal share of what is left
(protocol/remix_sources.assign_weights, the same rule as for C2S clients).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from fediverse_hit.protocol.remix_sources import (
    BASIS_POINTS,
    DEFAULT_UPSTREAM_SHARE,
    MAX_SOURCES,
    SourceRequest,
    SourcesError,
    assign_weights,
)
from fediverse_hit.services.contribution_rules import can_view
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Actor
from fediverse_hit.web.contribution_cards import actor_handle, author_of, label_of, page_url

EMPTY_SLOTS = 2  # empty source fields offered below the filled ones (more after each submit)
_PERCENT = re.compile(r"\d{1,3}(?:[.,]\d{1,2})?")


def parse_percent(text: str) -> int | None:
    """"33.33" or "33,33" → 3333 basis points; None for text that is not a percentage 0–100
    with at most two decimals."""
    text = text.strip().rstrip("%").strip()
    if not _PERCENT.fullmatch(text):
        return None
    whole, _, part = text.replace(",", ".").partition(".")
    points = int(whole) * 100 + int((part + "00")[:2])
    return points if points <= BASIS_POINTS else None


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def read_source_fields(form: FormData) -> dict[str, Any]:
    """What was typed in the remix fields, to parse or to show again."""
    entries = []
    for n in range(1, MAX_SOURCES + 1):
        url, weight = _text(form, f"source_url_{n}"), _text(form, f"source_weight_{n}")
        if url or weight:
            entries.append({"url": url, "weight": weight})
    share = _text(form, "upstream_share")
    return {
        "sources": entries,
        "upstream_share": share or str(DEFAULT_UPSTREAM_SHARE // 100),
        # The source picker's step (web/source_picker.py): which button, which work, which person.
        "step": _text(form, "step"),
        "add_source": _text(form, "add_source"),
        "pick_handle": _text(form, "source_handle"),
        "picker": _text(form, "picker"),
    }


def empty_source_fields(remix_of: str = "") -> dict[str, Any]:
    """The fields of a fresh composer; `remix_of` (a work's IRI) becomes the first source."""
    sources = [{"url": remix_of, "weight": ""}] if remix_of else []
    return {"sources": sources, "upstream_share": str(DEFAULT_UPSTREAM_SHARE // 100), "pick_handle": ""}


def parse_source_fields(values: dict[str, Any], errors: dict[str, str]) -> tuple[tuple[SourceRequest, ...], int | None]:
    """The Draft's sources and upstream share from `values`; problems go into `errors` keyed by
    the field's id, so the error summary links to it."""
    requests: list[SourceRequest] = []
    for n, entry in enumerate(values["sources"], start=1):
        url, weight_text = entry["url"], entry["weight"]
        # An entry may name its own fields and label (the compose-work form's selected pieces).
        label = entry.get("label") or f"Source {n}"
        if not url.lower().startswith(("https://", "http://")):
            errors[entry.get("url_key") or f"source_url_{n}"] = f"{label}: give the address of a work (starting with https://)."
            continue
        weight = parse_percent(weight_text) if weight_text else None
        if weight_text and weight is None:
            errors[entry.get("weight_key") or f"source_weight_{n}"] = f"{label}: the weight must be a percentage from 0 to 100."
        requests.append(SourceRequest(url, weight))
    if not values["sources"]:
        return (), None
    share = parse_percent(values["upstream_share"])
    if share is None:
        errors["upstream_share"] = "The share for the sources must be a percentage from 0 to 100."
    if len({request.object_id for request in requests}) < len(requests):
        errors["sources"] = "Each work can be a source only once."
    elif requests and not errors:
        try:
            assign_weights([request.weight for request in requests])
        except SourcesError:
            errors["sources"] = "The weights must add up to 100 %, or leave some empty to share the rest equally."
    return tuple(requests), share


async def describe_sources(viewer: Actor, values: dict[str, Any]) -> list[dict[str, str]]:
    """Each filled source slot with the name of the work when it is known here (so the person
    sees what they are remixing), else just its address."""
    described = []
    for entry in values["sources"]:
        found = await find_contribution_by_uri(entry["url"]) if entry["url"] else None
        if found is not None and found.deleted_at is None and await can_view(viewer, found):
            name = f"“{label_of(found)}” by {actor_handle(author_of(found))}"
            described.append({**entry, "name": name, "href": page_url(found)})
        else:
            described.append({**entry, "name": "", "href": ""})
    return described


def source_slots(values: dict[str, Any]) -> int:
    """How many source fields to show: the filled ones and a few empty ones."""
    return min(MAX_SOURCES, len(values["sources"]) + EMPTY_SLOTS)
