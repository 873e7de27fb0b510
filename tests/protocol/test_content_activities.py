"""Activities about contributions, in Mastodon's shapes; the signed Note survives being embedded."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.protocol.activities import build_undo, parse_activity
from fediverse_hit.protocol.addressing import addressing_for
from fediverse_hit.protocol.content_activities import (
    build_announce,
    build_create,
    build_delete_note,
    build_like,
    build_tombstone,
    build_update,
)
from fediverse_hit.protocol.integrity_proofs import ProofError, create_proof, verify_proof
from fediverse_hit.protocol.keys import PublicKey, generate_ed25519_key, load_public_key_pem
from fediverse_hit.protocol.notes import NoteFields, build_note, parse_note
from fediverse_hit.protocol.vocab import AS_CONTEXT, PUBLIC_COLLECTION

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALICE = "https://hit.example/users/alice"
FOLLOWERS = f"{ALICE}/followers"
BOB = "https://other.example/users/bob"
NOTE_ID = "https://hit.example/contributions/9"
KEY_ID = f"{ALICE}#ed25519-key"


def note(updated: datetime | None = None) -> dict[str, Any]:
    to, cc = addressing_for("public", FOLLOWERS, [])
    return build_note(NoteFields(
        id=NOTE_ID, url=NOTE_ID, attributed_to=ALICE, kind="text", title="Hi", body_html="<p>x</p>",
        summary=None, sensitive=False, language=None, license=None,
        published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), updated=updated, to=to, cc=cc,
        in_reply_to=None, context=None, replies=f"{NOTE_ID}/replies", likes=f"{NOTE_ID}/likes",
        shares=f"{NOTE_ID}/shares", attachments=[], tags=[],
    ))


def test_create_copies_actor_audience_and_date_from_the_note() -> None:
    document = note()
    activity = build_create(f"{NOTE_ID}/activity", document)
    assert activity["@context"] == document["@context"]
    assert {key: activity[key] for key in ("id", "type", "actor", "published", "to", "cc")} == {
        "id": f"{NOTE_ID}/activity", "type": "Create", "actor": ALICE,
        "published": "2026-01-02T03:04:05Z", "to": [PUBLIC_COLLECTION], "cc": [FOLLOWERS],
    }
    assert "@context" not in activity["object"]
    assert activity["object"] == {key: value for key, value in document.items() if key != "@context"}
    assert "@context" in document  # the input is not changed
    assert parse_activity(activity).object_id == NOTE_ID


def resolve(public_pem: str) -> Any:
    key = load_public_key_pem(public_pem)

    def lookup(method: str) -> PublicKey | None:
        return key if method == KEY_ID else None
    return lookup


def test_signed_note_embedded_in_create_still_verifies() -> None:
    keys = generate_ed25519_key()
    signed = create_proof(note(), keys.private_pem, KEY_ID, created=datetime(2026, 1, 2, tzinfo=UTC))
    activity = json.loads(json.dumps(build_create(f"{NOTE_ID}/activity", signed)))  # over the wire
    embedded = {**activity["object"], "@context": activity["@context"]}
    assert verify_proof(embedded, resolve(keys.public_pem)).verification_method == KEY_ID
    assert parse_note(activity["object"]).title == "Hi"
    tampered = copy.deepcopy(embedded)
    tampered["content"] = "<p>changed in transit</p>"
    with pytest.raises(ProofError):
        verify_proof(tampered, resolve(keys.public_pem))


def test_update_carries_the_edit_date() -> None:
    edited = note(updated=datetime(2026, 1, 3, tzinfo=UTC))
    activity = build_update(f"{NOTE_ID}#updates/1", edited)
    assert (activity["type"], activity["updated"]) == ("Update", "2026-01-03T00:00:00Z")
    assert activity["object"]["updated"] == "2026-01-03T00:00:00Z"


def test_update_without_an_edit_date_is_refused() -> None:
    with pytest.raises(ValueError):
        build_update(f"{NOTE_ID}#updates/1", note())


def test_delete_has_mastodons_tombstone_object() -> None:
    # Compare with a real Mastodon Delete (tests/fixtures/mastodon/mastodon-delete.json).
    real = json.loads((FIXTURES / "mastodon" / "mastodon-delete.json").read_text(encoding="utf-8"))
    ours = build_delete_note(f"{NOTE_ID}#delete", ALICE, NOTE_ID, [PUBLIC_COLLECTION], [FOLLOWERS])
    assert ours == {
        "@context": AS_CONTEXT, "id": f"{NOTE_ID}#delete", "type": "Delete", "actor": ALICE,
        "to": [PUBLIC_COLLECTION], "cc": [FOLLOWERS], "object": {"id": NOTE_ID, "type": "Tombstone"},
    }
    assert real["object"]["type"] == ours["object"]["type"] == "Tombstone"
    assert set(ours["object"]) <= set(real["object"]) | {"id"}
    assert parse_activity(ours).object_id == NOTE_ID


def test_tombstone_served_with_410() -> None:
    assert build_tombstone(NOTE_ID, datetime(2026, 2, 1, 8, 30, tzinfo=UTC)) == {
        "@context": AS_CONTEXT, "id": NOTE_ID, "type": "Tombstone",
        "formerType": "Note", "deleted": "2026-02-01T08:30:00Z",
    }


def test_like_and_its_undo() -> None:
    like = build_like(f"{BOB}#likes/1", BOB, NOTE_ID)
    assert like == {"@context": AS_CONTEXT, "id": f"{BOB}#likes/1", "type": "Like", "actor": BOB, "object": NOTE_ID}
    undo = build_undo(f"{BOB}#likes/1/undo", BOB, like)
    assert undo["object"] == {key: value for key, value in like.items() if key != "@context"}


def test_announce_carries_the_addressing_it_is_given() -> None:
    # The addressing production gives a boost is checked on what it queues, in
    # tests/protocol/test_jsonld_contexts.py::test_a_boost_is_addressed_as_mastodon_addresses_it.
    boost = build_announce(f"{BOB}/statuses/1/activity", BOB, NOTE_ID,
                           datetime(2026, 1, 2, tzinfo=UTC), [PUBLIC_COLLECTION], [ALICE, f"{BOB}/followers"])
    assert boost == {
        "@context": AS_CONTEXT, "id": f"{BOB}/statuses/1/activity", "type": "Announce", "actor": BOB,
        "published": "2026-01-02T00:00:00Z", "to": [PUBLIC_COLLECTION],
        "cc": [ALICE, f"{BOB}/followers"], "object": NOTE_ID,
    }


def test_activity_builders_refuse_naive_dates() -> None:
    with pytest.raises(ValueError):
        build_tombstone(NOTE_ID, datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        build_announce("https://x.example/a", BOB, NOTE_ID, datetime(2026, 1, 1), [], [])
