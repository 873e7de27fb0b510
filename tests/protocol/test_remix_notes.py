"""The fields a remix adds to its Note, what a remote post quotes, and who a canQuote policy admits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fediverse_hit.protocol.notes import NoteFields, build_note
from fediverse_hit.protocol.quote_consent import apply_quote_consent
from fediverse_hit.protocol.quote_permissions import QuoteApproval, read_quote_approval
from fediverse_hit.protocol.remix_notes import RemixNote, add_remix_fields, read_quote_target
from fediverse_hit.protocol.remix_sources import RemixSources, Source, parse_sources
from tests.protocol.test_jsonld_contexts import expand_strictly

BOB = "https://b.example/users/bob"
FIRST, SECOND = "https://a.example/contributions/1", "https://c.example/statuses/2"
DIGEST = "zQme4VcskKZFY639gUgdHxSsiV9xPoQ2okgnVxAeupK8WU1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FEP_044F = "https://w3id.org/fep/044f#"


def _note() -> dict[str, Any]:
    return build_note(NoteFields(
        id="https://b.example/contributions/7", url="https://b.example/contributions/7", attributed_to=BOB,
        kind="text", title="Song", body_html="<p>Set to music.</p>", summary=None, sensitive=False, language="en",
        license=None, published=datetime(2026, 1, 3, tzinfo=UTC), updated=None, to=[PUBLIC], cc=[], in_reply_to=None,
        context=None, replies="https://b.example/r", likes="https://b.example/l", shares="https://b.example/s",
        attachments=[], tags=[],
    ))


def _sources() -> RemixSources:
    return RemixSources((
        Source(FIRST, ("https://a.example/users/alice",), DIGEST, 6000),
        Source(SECOND, ("https://c.example/users/cy",), DIGEST, 4000),
    ), 5000)


def test_a_remix_note_quotes_its_primary_source_and_links_the_others() -> None:
    note = _note()
    remix = apply_quote_consent(
        add_remix_fields(note, RemixNote(_sources(), "https://a.example/@alice/1")), "https://a.example/stamps/9", None
    )
    assert [remix[field] for field in ("quote", "quoteUri", "_misskey_quote", "quoteUrl")] == [FIRST] * 4
    assert remix["quoteAuthorization"] == "https://a.example/stamps/9"
    fallback = '<p class="quote-inline">RE: <a href="https://a.example/@alice/1">https://a.example/@alice/1</a></p>'
    assert remix["content"] == "<p><strong>Song</strong></p><p>Set to music.</p>" + fallback
    assert remix["contentMap"] == {"en": remix["content"]}
    assert remix["tag"] == [{"type": "Link", "href": SECOND, "name": SECOND,
                             "mediaType": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}]
    assert parse_sources(remix) == _sources()
    assert "quote" not in note and note["content"] == "<p><strong>Song</strong></p><p>Set to music.</p>"  # input untouched


def test_a_remix_note_without_a_stamp_has_no_quote_authorization() -> None:
    remix = apply_quote_consent(add_remix_fields(_note(), RemixNote(_sources(), "")), None, None)
    assert "quoteAuthorization" not in remix
    assert remix["content"].endswith(f'RE: <a href="{FIRST}">{FIRST}</a></p>')


def test_a_remix_note_expands_with_every_quote_term_defined() -> None:
    remix = apply_quote_consent(add_remix_fields(_note(), RemixNote(_sources(), FIRST)), "https://a.example/stamps/9", None)
    (expanded,) = expand_strictly(remix)
    assert expanded[f"{FEP_044F}quote"] == [{"@id": FIRST}]
    assert expanded[f"{FEP_044F}quoteAuthorization"] == [{"@id": "https://a.example/stamps/9"}]
    assert expanded["https://misskey-hub.net/ns#_misskey_quote"] == [{"@value": FIRST}]


def test_the_quote_target_is_read_in_mastodons_order() -> None:
    assert read_quote_target({"quoteUri": SECOND, "quote": FIRST}) == FIRST
    assert read_quote_target({"_misskey_quote": SECOND, "quoteUrl": FIRST}) == SECOND
    assert read_quote_target({"quote": {"id": FIRST, "type": "Note"}}) == FIRST
    assert read_quote_target({"quote": "not a url", "quoteUrl": "javascript:alert(1)"}) is None


def _policy(automatic: list[str] | None = None, manual: list[str] | None = None) -> dict[str, Any]:
    can_quote: dict[str, Any] = {}
    if automatic is not None:
        can_quote["automaticApproval"] = automatic
    if manual is not None:
        can_quote["manualApproval"] = manual
    return {"interactionPolicy": {"canQuote": can_quote}}


FOLLOWERS = "https://a.example/users/alice/followers"


def approval(document: dict[str, Any], follows: bool = False) -> QuoteApproval:
    return read_quote_approval(document, BOB, follows_author=follows, author_followers=FOLLOWERS)


def test_quote_policies_admit_whom_they_name() -> None:
    followers = FOLLOWERS
    assert approval({}) is QuoteApproval.UNSTATED
    assert approval({"interactionPolicy": {}}) is QuoteApproval.UNSTATED
    assert approval(_policy([PUBLIC])) is QuoteApproval.AUTOMATIC
    assert approval(_policy(["as:Public"])) is QuoteApproval.AUTOMATIC
    assert approval(_policy([BOB])) is QuoteApproval.AUTOMATIC
    assert approval(_policy(["https://a.example/users/alice"], [PUBLIC])) is QuoteApproval.MANUAL
    assert approval(_policy(["https://a.example/users/alice"])) is QuoteApproval.DENIED
    assert approval(_policy([followers])) is QuoteApproval.DENIED
    assert approval(_policy([followers]), follows=True) is QuoteApproval.AUTOMATIC
