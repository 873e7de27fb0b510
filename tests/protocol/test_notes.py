"""Contributions as `Note`s: the document we build (known answer), signing it, and reading real
posts from Mastodon, GoToSocial and Pixelfed (tests/fixtures/notes, sources in its README.md)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.protocol.addressing import addressing_for
from fediverse_hit.protocol.integrity_proofs import ProofError, create_proof, verify_proof
from fediverse_hit.protocol.keys import PublicKey, generate_ed25519_key, load_public_key_pem
from fediverse_hit.protocol.note_attachments import format_duration, parse_duration
from fediverse_hit.protocol.notes import (
    NoteAttachment,
    NoteFields,
    NoteTag,
    ObjectShapeError,
    build_note,
    derive_kind,
    parse_datetime,
    parse_note,
)
from fediverse_hit.protocol.vocab import AS_CONTEXT, DATA_INTEGRITY_V1, PUBLIC_COLLECTION

NOTES = Path(__file__).resolve().parent.parent / "fixtures" / "notes"
ALICE = "https://hit.example/users/alice"
FOLLOWERS = f"{ALICE}/followers"
BOB = "https://other.example/users/bob"
NOTE_ID = "https://hit.example/contributions/7"
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


def fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((NOTES / name).read_text(encoding="utf-8"))
    return document


def fields(visibility: str = "public", **changes: Any) -> NoteFields:
    to, cc = addressing_for(visibility, FOLLOWERS, [BOB])
    base = NoteFields(
        id=NOTE_ID, url="https://hit.example/contributions/7", attributed_to=ALICE, kind="audio",
        title="Rain & Thunder", body_html="<p>Recorded on the roof.</p>", summary=None,
        sensitive=False, language="en", license=BY_SA,
        published=datetime(2026, 11, 26, 13, 0, 0, 500, tzinfo=timezone(timedelta(hours=1))),
        updated=None, to=to, cc=cc, in_reply_to=None, context=None,
        replies=f"{NOTE_ID}/replies", likes=f"{NOTE_ID}/likes", shares=f"{NOTE_ID}/shares",
        attachments=[NoteAttachment(
            media_type="audio/ogg", url="https://hit.example/media/ab.ogg", description="Rain on a tin roof",
            duration_seconds=75.5, cover_url="https://hit.example/media/cd.jpg", cover_media_type="image/jpeg",
        )],
        tags=[NoteTag("Mention", "@bob@other.example", BOB),
              NoteTag("Hashtag", "#field", "https://hit.example/tags/field")],
    )
    return replace(base, **changes)


def test_build_note_known_answer() -> None:
    content = "<p><strong>Rain &amp; Thunder</strong></p><p>Recorded on the roof.</p>"
    note = build_note(fields())
    assert {key: value for key, value in note.items() if key != "@context"} == {
        "id": NOTE_ID,
        "type": "Note",
        "url": "https://hit.example/contributions/7",
        "attributedTo": ALICE,
        "published": "2026-11-26T12:00:00Z",
        "to": [PUBLIC_COLLECTION],
        "cc": [FOLLOWERS, BOB],
        "inReplyTo": None,
        "summary": None,
        "sensitive": False,
        "content": content,
        "contentMap": {"en": content},
        "attachment": [{
            "type": "Document", "mediaType": "audio/ogg", "url": "https://hit.example/media/ab.ogg",
            "name": "Rain on a tin roof", "blurhash": None, "duration": "PT1M15.5S",
            "icon": {"type": "Image", "mediaType": "image/jpeg", "url": "https://hit.example/media/cd.jpg"},
        }],
        "tag": [
            {"type": "Mention", "href": BOB, "name": "@bob@other.example"},
            {"type": "Hashtag", "href": "https://hit.example/tags/field", "name": "#field"},
        ],
        "replies": f"{NOTE_ID}/replies",
        "likes": f"{NOTE_ID}/likes",
        "shares": f"{NOTE_ID}/shares",
        "license": BY_SA,
        "schema:license": BY_SA,
        "fhit:kind": "audio",
        "interactionPolicy": {"canQuote": {"automaticApproval": [PUBLIC_COLLECTION]}},
    }


def test_note_context_defines_mastodons_interaction_policy_terms() -> None:
    context = build_note(fields())["@context"]
    assert context[:2] == [AS_CONTEXT, DATA_INTEGRITY_V1]
    terms = context[2]
    # Exactly as Mastodon's ContextHelper `interaction_policies` extension spells them.
    assert terms["gts"] == "https://gotosocial.org/ns#"
    for term in ("interactionPolicy", "canQuote", "automaticApproval", "manualApproval"):
        assert terms[term] == {"@id": f"gts:{term}", "@type": "@id"}
    assert terms["Hashtag"] == "as:Hashtag" and terms["sensitive"] == "as:sensitive"
    assert terms["blurhash"] == "toot:blurhash"
    assert terms["fhit"] == "https://fediverse-hit.org/ns#"
    assert terms["schema"] == "http://schema.org#"


@pytest.mark.parametrize(
    ("visibility", "approved"),
    [("public", [PUBLIC_COLLECTION]), ("unlisted", [PUBLIC_COLLECTION]),
     ("followers", [ALICE]), ("direct", [ALICE])],
)
def test_quote_policy_follows_visibility(visibility: str, approved: list[str]) -> None:
    note = build_note(fields(visibility))
    assert note["interactionPolicy"] == {"canQuote": {"automaticApproval": approved}}


def test_notes_do_not_share_their_context_object() -> None:
    first, second = build_note(fields()), build_note(fields())
    first["@context"][2]["license"] = "changed"
    assert second["@context"][2]["license"] != "changed"
    assert build_note(fields())["@context"][2]["license"] != "changed"


def test_optional_fields_appear_only_when_set() -> None:
    note = build_note(fields(language=None, license=None, context=None, updated=None))
    assert not {"contentMap", "license", "schema:license", "context", "updated"} & note.keys()
    edited = build_note(fields(
        updated=datetime(2026, 11, 27, tzinfo=UTC), context="https://hit.example/projects/p",
        summary="loud", sensitive=True, in_reply_to="https://other.example/notes/1",
    ))
    assert edited["updated"] == "2026-11-27T00:00:00Z"
    assert edited["context"] == "https://hit.example/projects/p"
    assert (edited["summary"], edited["sensitive"]) == ("loud", True)
    assert edited["inReplyTo"] == "https://other.example/notes/1"


def test_more_than_four_attachments_is_refused() -> None:
    image = NoteAttachment("image/png", "https://hit.example/media/a.png")
    build_note(fields(attachments=[image] * 4))
    with pytest.raises(ValueError, match="at most 4"):
        build_note(fields(attachments=[image] * 5))


def test_unknown_kind_and_naive_dates_are_refused() -> None:
    with pytest.raises(ValueError):
        build_note(fields(kind="poem"))
    with pytest.raises(ValueError):
        build_note(fields(published=datetime(2026, 11, 26, 12, 0)))


def resolver(public_pem: str) -> Any:
    key = load_public_key_pem(public_pem)

    def resolve(method: str) -> PublicKey | None:
        return key if method == f"{ALICE}#ed25519-key" else None
    return resolve


def test_built_note_signs_verifies_and_parses_back() -> None:
    keys = generate_ed25519_key()
    signed = create_proof(build_note(fields()), keys.private_pem, f"{ALICE}#ed25519-key",
                          created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    verified = verify_proof(signed, resolver(keys.public_pem))
    assert verified.verification_method == f"{ALICE}#ed25519-key"
    parsed = parse_note(signed)
    assert (parsed.id, parsed.attributed_to, parsed.kind, parsed.language) == (NOTE_ID, ALICE, "audio", "en")
    assert parsed.title == "Rain & Thunder"
    assert parsed.content_html == "<p>Recorded on the roof.</p>"
    assert parsed.published == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert parsed.license == BY_SA
    assert parsed.attachments == tuple(fields().attachments)
    assert parsed.tags == tuple(fields().tags)
    assert (parsed.to, parsed.cc) == ((PUBLIC_COLLECTION,), (FOLLOWERS, BOB))


@pytest.mark.parametrize(
    ("what", "tamper"),
    [
        ("content", lambda note: note.update(content=note["content"] + "<p>PS: pay me</p>")),
        ("licence", lambda note: note.update(license="https://creativecommons.org/licenses/by-nd/4.0/")),
        ("audience", lambda note: note["cc"].append("https://evil.example/users/x")),
        ("attachment url", lambda note: note["attachment"][0].update(url="https://evil.example/x.ogg")),
        ("context term", lambda note: note["@context"][2].update(license="https://evil.example/ns#l")),
    ],
)
def test_tampered_signed_note_fails_verification(what: str, tamper: Any) -> None:
    keys = generate_ed25519_key()
    signed = create_proof(build_note(fields()), keys.private_pem, f"{ALICE}#ed25519-key")
    tampered = copy.deepcopy(signed)
    tamper(tampered)
    with pytest.raises(ProofError):
        verify_proof(tampered, resolver(keys.public_pem))


def test_parse_mastodon_video_note() -> None:
    parsed = parse_note(fixture("mastodon-todon-video-note.json"))
    assert parsed.id == "https://todon.eu/users/hongminhee/statuses/112341925069749583"
    assert parsed.attributed_to == "https://todon.eu/users/hongminhee"
    assert (parsed.type, parsed.kind, parsed.language, parsed.title) == ("Note", "video", "en", None)
    assert parsed.url == "https://todon.eu/@hongminhee/112341925069749583"
    assert parsed.published == datetime(2024, 4, 27, 7, 8, 57, tzinfo=UTC)
    (video,) = parsed.attachments
    assert video == NoteAttachment(
        media_type="video/mp4",
        url="https://todon.eu/system/media_attachments/files/112/341/916/300/016/369/original/f83659866f94054f.mp4",
        description="The demo video on my terminal", blurhash="U87_4lWB_3WBt7bHazWV~qbHaybFozj[ayfj",
        width=1092, height=954,
    )
    assert [tag.name for tag in parsed.tags] == ["#fedify", "#fedidev", "#activitypub"]
    assert parsed.content_html.startswith("<p>I'm working on adding a CLI toolchain to <a href=")


def test_parse_mastodon_create_with_mention_hashtag_and_content_warning() -> None:
    parsed = parse_note(fixture("mastodon-create-mention-hashtag.json")["object"])
    assert (parsed.summary, parsed.sensitive, parsed.in_reply_to) == ("cw", True, None)
    assert parsed.tags == (
        NoteTag("Mention", "@lain@localtesting.pleroma.lol", "http://localtesting.pleroma.lol/users/lain"),
        NoteTag("Hashtag", "#moo", "http://mastodon.example.org/tags/moo"),
    )
    assert parsed.kind == "text" and parsed.language is None


def test_parse_mastodon_spec_focal_point_attachment_needs_attributed_to() -> None:
    note = fixture("mastodon-spec-create-focal-point.json")["object"]
    with pytest.raises(ObjectShapeError, match="attributedTo"):
        parse_note(note)
    parsed = parse_note({**note, "attributedTo": "https://example.com/actor"})
    assert parsed.attachments == (NoteAttachment("image/png", "http://example.com/attachment.png"),)
    assert parsed.kind == "image"


def test_parse_gotosocial_note_with_single_string_audience() -> None:
    parsed = parse_note(fixture("gotosocial-note-hashtag-image.json"))
    assert (parsed.to, parsed.cc) == ((PUBLIC_COLLECTION,), ("http://localhost:8080/users/admin/followers",))
    (image,) = parsed.attachments
    assert image.description.startswith("Black and white image")  # alt text from `summary`
    assert image.blurhash == "LIIE|gRj00WB-;j[t7j[4nWBj[Rj"
    assert parsed.tags == (NoteTag("Hashtag", "#welcome", "http://localhost:8080/tags/welcome"),)  # Emoji dropped
    assert parsed.summary is None  # GoToSocial sends "" for no content warning


def test_parse_gotosocial_reply_with_single_tag_object() -> None:
    parsed = parse_note(fixture("gotosocial-reply-mention.json"))
    assert parsed.in_reply_to == "http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY"
    assert parsed.tags == (NoteTag("Mention", "@the_mighty_zork@localhost:8080",
                                   "http://localhost:8080/users/the_mighty_zork"),)


def test_parse_pixelfed_photo() -> None:
    parsed = parse_note(fixture("pixelfed-create-photo.json")["object"])
    assert parsed.kind == "image"
    assert parsed.published == datetime(2023, 10, 30, 13, 7, 15, tzinfo=UTC)
    (photo,) = parsed.attachments
    assert (photo.width, photo.height, photo.media_type) == (1620, 1080, "image/jpeg")
    assert photo.description.startswith("Stickers on the glass")
    assert "title=" not in parsed.content_html


def test_parse_hostile_note_keeps_only_safe_parts() -> None:
    parsed = parse_note(fixture("hostile-note.json"))
    assert parsed.attributed_to == "https://evil.example/users/mallory"  # the Person, not the Organization
    assert (parsed.to, parsed.cc) == (("as:Public",), ("https://evil.example/users/mallory/followers",))
    assert parsed.published == datetime(2026, 11, 26, 11, 0, 0, 123456, tzinfo=UTC)
    assert parsed.updated is None
    assert parsed.attachments == (NoteAttachment("image/png", "https://evil.example/a.png", "alt from summary"),)
    assert parsed.tags == ()  # a Mention with a javascript: href
    for forbidden in ("<script", "onclick", "javascript", "<iframe", "<svg", "<form", "style="):
        assert forbidden not in parsed.content_html


def test_our_title_is_split_off_and_article_titles_come_from_name() -> None:
    ours = parse_note({**build_note(fields()), "content": "<p><strong>A <em>b</em></strong></p><p>c</p>"})
    assert (ours.title, ours.content_html) == ("A b", "<p>c</p>")
    article = parse_note({"type": "Article", "id": "https://blog.example/a", "attributedTo": BOB,
                          "name": "Long read", "content": "<p><strong>Not a title</strong></p>"})
    assert article.title == "Long read" and article.content_html.startswith("<p><strong>Not")
    plain = parse_note({"type": "Note", "id": "https://m.example/n", "attributedTo": BOB,
                        "name": "ignored", "contentMap": {"fr": "<p>Bonjour</p>"}})
    assert (plain.title, plain.language, plain.content_html) == (None, "fr", "<p>Bonjour</p>")


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"type": "Note", "attributedTo": BOB}, "id"),
        ({"type": "Note", "id": "urn:uuid:1", "attributedTo": BOB}, "id"),
        ({"type": "Note", "id": "https://m.example/n"}, "attributedTo"),
        ({"type": "Note", "id": "https://m.example/n", "attributedTo": ["not-an-iri"]}, "attributedTo"),
        ({"type": "Note", "id": "https://m.example/n", "attributedTo": {"type": "Person"}}, "attributedTo"),
        ({"type": "Person", "id": "https://m.example/n", "attributedTo": BOB}, "post-like"),
        ({"type": ["Note"], "id": "https://m.example/n", "attributedTo": BOB}, "post-like"),
    ],
)
def test_unusable_objects_are_refused(document: dict[str, Any], reason: str) -> None:
    with pytest.raises(ObjectShapeError, match=reason):
        parse_note(document)


def test_declared_kind_wins_only_when_valid() -> None:
    base = {"type": "Note", "id": "https://m.example/n", "attributedTo": BOB}
    assert parse_note({**base, "fhit:kind": "video"}).kind == "video"
    assert parse_note({**base, "fhit:kind": "<script>"}).kind == "text"


def test_kind_derived_from_attachments() -> None:
    def media(media_type: str) -> NoteAttachment:
        return NoteAttachment(media_type, "https://m.example/f")
    assert derive_kind([]) == "text"
    assert derive_kind([media("image/png"), media("image/jpeg")]) == "image"
    assert derive_kind([media("audio/mpeg")]) == "audio"
    assert derive_kind([media("video/mp4")]) == "video"
    assert derive_kind([media("image/png"), media("audio/ogg")]) == "mixed"
    assert derive_kind([media("application/pdf")]) == "mixed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-26T12:00:00Z", datetime(2026, 11, 26, 12, tzinfo=UTC)),
        ("2026-11-26T13:00:00+01:00", datetime(2026, 11, 26, 12, tzinfo=UTC)),
        ("2026-11-26T12:00:00.250Z", datetime(2026, 11, 26, 12, 0, 0, 250000, tzinfo=UTC)),
        ("2022-01-19T03:37:35.976545Z", datetime(2022, 1, 19, 3, 37, 35, 976545, tzinfo=UTC)),
        ("2026-11-26T12:00:00", datetime(2026, 11, 26, 12, tzinfo=UTC)),
        ("-0977-11-03T08:31:22Z", None),  # Mastodon's create_spec: below the ISO 8601 range
        ("10000-11-03T08:31:22Z", None),  # and above it
        ("2026-13-01T00:00:00Z", None),
        ("yesterday", None),
        (1700000000, None),
        (None, None),
    ],
)
def test_dates_are_read_tolerantly(value: object, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(12.5, "PT12.5S"), (75.5, "PT1M15.5S"), (3725, "PT1H2M5S"), (60, "PT1M"), (0, "PT0S")],
)
def test_durations_are_written_as_xsd_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("PT170S", 170.0), ("P1DT1S", 86401.0), (42, 42.0), ("P1Y", None), ("PT", None),
     ("PT-5S", None), ("12 minutes", None), (-3, None), (True, None)],
)
def test_durations_from_peers(value: object, seconds: float | None) -> None:
    assert parse_duration(value) == seconds
