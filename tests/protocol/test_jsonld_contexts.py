"""Every document we send expands as JSON-LD under the real, preloaded context documents.

Peers such as Fedify expand what we send; a term our @context leaves undefined (AS2's
`"@vocab": "_:"` turns it into a blank-node property) or a clash with a `@protected` context
loses the property or fails the whole document. Contexts: tests/fixtures/jsonld-contexts (README).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError

from fediverse_hit.federation.contribution_documents import current_version_text
from fediverse_hit.federation.interactions import boost, like, unboost, unlike
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import (
    build_block,
    build_collection_change,
    build_delete_actor,
    build_follow,
    build_response,
    build_undo,
    build_update_actor,
)
from fediverse_hit.protocol.actors import ActorImage, ActorInput, ActorKeyInput, build_actor
from fediverse_hit.protocol.addressing import addressing_for
from fediverse_hit.protocol.content_activities import (
    build_announce,
    build_create,
    build_delete_note,
    build_like,
    build_tombstone,
    build_update,
)
from fediverse_hit.protocol.integrity_proofs import create_proof, verify_proof
from fediverse_hit.protocol.keys import generate_ed25519_key, generate_rsa_key, load_public_key_pem
from fediverse_hit.protocol.notes import NoteAttachment, NoteFields, NoteTag, build_note
from fediverse_hit.protocol.vocab import (
    AS_CONTEXT,
    DATA_INTEGRITY_V1,
    DID_V1,
    MULTIKEY_V1,
    NOTE_CONTEXT,
    SECURITY_V1,
    WEBFINGER_CONTEXT,
)
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.models import Actor, Contribution, OutgoingActivity
from tests.asgi_forms import PASSWORD

CONTEXTS = Path(__file__).resolve().parent.parent / "fixtures" / "jsonld-contexts"
PRELOADED = {
    AS_CONTEXT: "activitystreams.jsonld",
    SECURITY_V1: "security-v1.jsonld",
    DATA_INTEGRITY_V1: "data-integrity-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DID_V1: "did-v1.jsonld",
    WEBFINGER_CONTEXT: "webfinger.jsonld",
}

AS = "https://www.w3.org/ns/activitystreams#"
SEC = "https://w3id.org/security#"
ALICE = "https://hit.example/users/alice"
FOLLOWERS = f"{ALICE}/followers"
BOB = "https://other.example/users/bob"
NOTE_ID = "https://hit.example/contributions/7"
ED25519 = generate_ed25519_key()
ED25519_KEY_ID = f"{ALICE}#ed25519-key"


class UnknownContext(LookupError):
    """A remote context no fixture holds: nobody may be assumed to have it preloaded."""


def load_preloaded(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader serving only tests/fixtures/jsonld-contexts; any other URL raises."""
    name = PRELOADED.get(url)
    if name is None:
        raise UnknownContext(f"no preloaded copy of {url}")
    document = json.loads((CONTEXTS / name).read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def expand_strictly(document: Mapping[str, Any], loader: Callable[..., Any] = load_preloaded) -> list[Any]:
    """`jsonld.expand` in "safe mode": a dropped property, or a property or type that only
    expands to a blank node or relative IRI, raises AssertionError naming it."""
    dropped: list[str | None] = []
    options = {
        "documentLoader": loader,
        "base": None,  # no base IRI: an undefined type must not pass as base-relative IRI
        "contextResolver": ContextResolver({}, loader),  # no cache shared between tests
    }
    expanded: list[Any] = jsonld.expand(copy.deepcopy(dict(document)), options, on_property_dropped=dropped.append)
    problems = [f"dropped: {term!r}" for term in dropped] + list(_unresolved(expanded, "$"))
    assert not problems, problems
    return expanded


def _unresolved(value: Any, path: str) -> Any:
    """Every non-keyword key and every @type that is not an absolute, non-blank IRI."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unresolved(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@type":
                for kind in item if isinstance(item, list) else [item]:
                    if not _absolute(kind):
                        yield f"{path}: type {kind!r}"
            elif key == "@value":
                continue
            elif not key.startswith("@") and not _absolute(key):
                yield f"{path}: property {key!r}"
            else:
                yield from _unresolved(item, f"{path}.{key}")


def _absolute(iri: str) -> bool:
    return iri.startswith(("https://", "http://"))


def assert_properties_survive(document: Mapping[str, Any], expected: Mapping[str, str]) -> dict[str, Any]:
    """Expand strictly; every non-null top-level property maps to the IRI `expected` gives it."""
    sent = {key for key, value in document.items() if value is not None and not key.startswith("@")}
    assert sent - {"id", "type"} == set(expected), "the test's expectations must cover every property sent"
    (node,) = expand_strictly(document)
    for term, iri in expected.items():
        assert iri in node, f"{term} did not expand to {iri}"
    assert node["@id"] == document["id"]
    return dict(node)


def signed(document: Mapping[str, Any]) -> dict[str, Any]:
    proven = create_proof(document, ED25519.private_pem, ED25519_KEY_ID, datetime(2026, 11, 26, tzinfo=UTC))
    verify_proof(proven, lambda _: load_public_key_pem(ED25519.public_pem))  # still verifies
    return proven


def note_fields(**changes: Any) -> NoteFields:
    to, cc = addressing_for("public", FOLLOWERS, [BOB])
    base = NoteFields(
        id=NOTE_ID, url=NOTE_ID, attributed_to=ALICE, kind="mixed", title="Dusk",
        body_html="<p>From the pier.</p>", summary="bright light", sensitive=True, language="en",
        license="https://creativecommons.org/licenses/by/4.0/",
        published=datetime(2026, 11, 26, 12, 0, tzinfo=UTC), updated=datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        to=to, cc=cc, in_reply_to=f"{BOB}/statuses/1", context=f"{BOB}/contexts/1",
        replies=f"{NOTE_ID}/replies", likes=f"{NOTE_ID}/likes", shares=f"{NOTE_ID}/shares",
        attachments=[NoteAttachment(
            media_type="image/jpeg", url="https://hit.example/media/dusk.jpg", description="A pier at dusk",
            blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj", width=1200, height=800,
        ), NoteAttachment(
            media_type="audio/ogg", url="https://hit.example/media/waves.ogg", description="Waves",
            duration_seconds=75.5, cover_url="https://hit.example/media/cover.jpg", cover_media_type="image/jpeg",
        )],
        tags=[NoteTag("Mention", "@bob@other.example", BOB), NoteTag("Hashtag", "#dusk", "https://hit.example/tags/dusk")],
    )
    return replace(base, **changes)


NOTE_PROPERTIES = {
    "url": f"{AS}url", "attributedTo": f"{AS}attributedTo", "published": f"{AS}published",
    "updated": f"{AS}updated", "to": f"{AS}to", "cc": f"{AS}cc", "inReplyTo": f"{AS}inReplyTo",
    "summary": f"{AS}summary", "sensitive": f"{AS}sensitive", "content": f"{AS}content",
    "contentMap": f"{AS}content", "context": f"{AS}context", "attachment": f"{AS}attachment",
    "tag": f"{AS}tag", "replies": f"{AS}replies", "likes": f"{AS}likes", "shares": f"{AS}shares",
    "license": "http://creativecommons.org/ns#license", "schema:license": "http://schema.org#license",
    "fhit:kind": "https://fediverse-hit.org/ns#kind",
    "interactionPolicy": "https://gotosocial.org/ns#interactionPolicy", "proof": f"{SEC}proof",
}
ACTIVITY_PROPERTIES = {"actor": f"{AS}actor", "object": f"{AS}object"}
ADDRESSED = {"to": f"{AS}to", "cc": f"{AS}cc"}


def test_the_loader_refuses_a_context_nobody_preloads() -> None:
    document = {"@context": [AS_CONTEXT, "https://example.com/ns/unknown"], "id": NOTE_ID, "type": "Note"}
    with pytest.raises(JsonLdError) as caught:
        expand_strictly(document)
    chain, error = [], caught.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or getattr(error, "cause", None)
    assert any(isinstance(link, UnknownContext) for link in chain)


def test_actor_document() -> None:
    keys = (
        ActorKeyInput(f"{ALICE}#main-key", "rsa", public_pem=generate_rsa_key().public_pem),
        ActorKeyInput(ED25519_KEY_ID, "ed25519", public_multibase="z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
    )
    actor = build_actor(ActorInput(
        id=ALICE, type="Person", preferred_username="alice", name="Alice", summary_html="<p>Sound.</p>",
        url="https://hit.example/@alice", inbox=f"{ALICE}/inbox", outbox=f"{ALICE}/outbox",
        followers=FOLLOWERS, following=f"{ALICE}/following", featured=f"{ALICE}/featured",
        shared_inbox="https://hit.example/inbox", webfinger="alice@hit.example", published="2026-01-01T00:00:00Z",
        attribution_domains=("hit.example",), keys=keys, manually_approves_followers=True,
        icon=ActorImage("https://hit.example/media/a.png", "image/png", "Alice's face"),
        profile_fields=(("Site", "<a href=\"https://alice.example\">alice.example</a>"),),
        payment_links=(("Tip jar", "https://pay.example/alice"),),
    ))
    node = assert_properties_survive(actor, {
        "preferredUsername": f"{AS}preferredUsername", "name": f"{AS}name", "summary": f"{AS}summary",
        "url": f"{AS}url", "inbox": "http://www.w3.org/ns/ldp#inbox", "outbox": f"{AS}outbox",
        "followers": f"{AS}followers", "following": f"{AS}following",
        "featured": "http://joinmastodon.org/ns#featured", "endpoints": f"{AS}endpoints",
        "manuallyApprovesFollowers": f"{AS}manuallyApprovesFollowers",
        "discoverable": "http://joinmastodon.org/ns#discoverable",
        "indexable": "http://joinmastodon.org/ns#indexable", "published": f"{AS}published",
        "attributionDomains": "http://joinmastodon.org/ns#attributionDomains",
        "webfinger": "https://purl.archive.org/socialweb/webfinger#webfinger",
        "attachment": f"{AS}attachment", "assertionMethod": f"{SEC}assertionMethod",
        "publicKey": f"{SEC}publicKey", "icon": f"{AS}icon",
    })
    (method,) = node[f"{SEC}assertionMethod"]
    assert method["@type"] == [f"{SEC}Multikey"]
    assert f"{SEC}publicKeyMultibase" in method and f"{SEC}controller" in method
    assert f"{SEC}publicKeyPem" in node[f"{SEC}publicKey"][0]
    field = node[f"{AS}attachment"][0]
    assert field["@type"] == ["http://schema.org#PropertyValue"] and "http://schema.org#value" in field


def test_update_of_the_actor_document() -> None:
    actor = {"@context": [AS_CONTEXT, DID_V1, MULTIKEY_V1], "id": ALICE, "type": "Person",
             "assertionMethod": [{"id": ED25519_KEY_ID, "type": "Multikey", "controller": ALICE,
                                  "publicKeyMultibase": "z6Mk"}]}
    update = build_update_actor("https://hit.example/activities/u1", actor)
    node = assert_properties_survive(update, {**ACTIVITY_PROPERTIES, "to": f"{AS}to"})
    assert f"{SEC}assertionMethod" in node[f"{AS}object"][0]


def test_signed_note() -> None:
    note = signed(build_note(note_fields()))
    node = assert_properties_survive(note, NOTE_PROPERTIES)
    (proof_graph,) = node[f"{SEC}proof"]
    (proof,) = proof_graph["@graph"]
    assert proof["@type"] == [f"{SEC}DataIntegrityProof"]
    assert {f"{SEC}cryptosuite", f"{SEC}verificationMethod", f"{SEC}proofPurpose", f"{SEC}proofValue",
            "http://purl.org/dc/terms/created"} <= set(proof)
    image, audio = node[f"{AS}attachment"]
    assert {"http://joinmastodon.org/ns#blurhash", f"{AS}width", f"{AS}height", f"{AS}mediaType"} <= set(image)
    assert {f"{AS}duration", f"{AS}icon"} <= set(audio)
    (policy,) = node["https://gotosocial.org/ns#interactionPolicy"]
    (can_quote,) = policy["https://gotosocial.org/ns#canQuote"]
    assert can_quote["https://gotosocial.org/ns#automaticApproval"] == [{"@id": f"{AS}Public"}]
    assert {tag["@type"][0] for tag in node[f"{AS}tag"]} == {f"{AS}Mention", f"{AS}Hashtag"}
    assert node[f"{AS}content"][1] == {"@value": note["content"], "@language": "en"}


def test_signed_create_of_a_signed_note() -> None:
    create = signed(build_create(f"{NOTE_ID}/activity", signed(build_note(note_fields(updated=None)))))
    node = assert_properties_survive(create, {**ACTIVITY_PROPERTIES, **ADDRESSED, "published": f"{AS}published",
                                              "proof": f"{SEC}proof"})
    assert f"{SEC}proof" in node[f"{AS}object"][0]


def test_signed_update_of_a_signed_note() -> None:
    update = signed(build_update("https://hit.example/activities/e1", signed(build_note(note_fields()))))
    assert_properties_survive(update, {**ACTIVITY_PROPERTIES, **ADDRESSED, "published": f"{AS}published",
                                       "updated": f"{AS}updated", "proof": f"{SEC}proof"})


def test_like() -> None:
    like = build_like("https://hit.example/activities/l1", ALICE, f"{BOB}/statuses/1")
    assert_properties_survive(like, ACTIVITY_PROPERTIES)


def test_announce() -> None:
    # The addressing federation/interactions.py gives a boost: public, cc the author and followers.
    announce = build_announce("https://hit.example/activities/b1", ALICE, f"{BOB}/statuses/1",
                              datetime(2026, 11, 26, tzinfo=UTC), [f"{AS}Public"], [BOB, FOLLOWERS])
    assert_properties_survive(announce, {**ACTIVITY_PROPERTIES, **ADDRESSED, "published": f"{AS}published"})


def test_delete_with_tombstone() -> None:
    delete = build_delete_note("https://hit.example/activities/d1", ALICE, NOTE_ID, [f"{AS}Public"], [FOLLOWERS])
    node = assert_properties_survive(delete, {**ACTIVITY_PROPERTIES, **ADDRESSED})
    assert node[f"{AS}object"][0]["@type"] == [f"{AS}Tombstone"]


def test_tombstone_served_for_a_deleted_contribution() -> None:
    tombstone = build_tombstone(NOTE_ID, datetime(2026, 11, 26, tzinfo=UTC))
    assert_properties_survive(tombstone, {"formerType": f"{AS}formerType", "deleted": f"{AS}deleted"})


def test_undo_of_a_like() -> None:
    like = build_like("https://hit.example/activities/l1", ALICE, f"{BOB}/statuses/1")
    undo = build_undo("https://hit.example/activities/u2", ALICE, like)
    node = assert_properties_survive(undo, ACTIVITY_PROPERTIES)
    assert node[f"{AS}object"][0]["@type"] == [f"{AS}Like"]


def test_follow_and_accept() -> None:
    follow = build_follow("https://other.example/activities/f1", BOB, ALICE)
    assert_properties_survive(follow, ACTIVITY_PROPERTIES)
    accept = build_response("Accept", "https://hit.example/activities/a1", ALICE, follow)
    node = assert_properties_survive(accept, ACTIVITY_PROPERTIES)
    assert node[f"{AS}object"][0]["@type"] == [f"{AS}Follow"]


def test_block() -> None:
    assert_properties_survive(build_block("https://hit.example/activities/k1", ALICE, BOB), ACTIVITY_PROPERTIES)


def test_add_to_featured() -> None:
    add = build_collection_change("Add", "https://hit.example/activities/p1", ALICE, NOTE_ID, f"{ALICE}/featured")
    assert_properties_survive(add, {**ACTIVITY_PROPERTIES, "target": f"{AS}target"})


def test_delete_of_the_actor() -> None:
    assert_properties_survive(build_delete_actor("https://hit.example/activities/x1", ALICE),
                              {**ACTIVITY_PROPERTIES, "to": f"{AS}to"})



async def _sent_by_alice(urls: InstanceUrls) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Alice likes, boosts, then takes back both on a remote post; returns the activities
    production queued for delivery (as stored, by type; the Undos by their object's type) and
    the signed Note it serves for a post of hers."""
    alice = (await create_account("alice", PASSWORD, urls)).actor
    bob = await Actor.create(uri=BOB, username="bob", domain="other.example", inbox=f"{BOB}/inbox",
                             followers_url=f"{BOB}/followers")
    post = await Contribution.create(uri=f"{BOB}/statuses/1", author=bob, published_at=datetime.now(UTC))
    await post.fetch_related("author")
    for step in (like, boost, unlike, unboost):
        await step(alice, post, urls)
    sent: dict[str, dict[str, Any]] = {}
    for row in await OutgoingActivity.filter(sender=alice).order_by("id"):
        activity = json.loads(row.body)
        kind = activity["type"] if activity["type"] != "Undo" else f"Undo {activity['object']['type']}"
        sent[kind] = activity
    own = await Contribution.create(uri=urls.contribution("1"), local_id="1", author=alice, local=True,
                                    title="Dusk", content_html="<p>From the pier.</p>", published_at=datetime.now(UTC))
    await own.fetch_related("author")
    note = json.loads(await current_version_text(own, urls))
    return sent, note


@pytest.mark.anyio
async def test_activities_as_production_sends_them_keep_their_proof(db: None, urls: InstanceUrls) -> None:
    # What federation/interactions.py queues (signed by contribution_documents.sign_document), read
    # back from the outbox: AS2 alone does not define `proof` (its `"@vocab": "_:"` would make it
    # the blank-node property `_:proof`), so production must inject the data-integrity context.
    sent, _ = await _sent_by_alice(urls)
    assert sorted(sent) == ["Announce", "Like", "Undo Announce", "Undo Like"]
    for kind, activity in sent.items():
        (node,) = expand_strictly(activity)
        assert f"{SEC}proof" in node, kind
        assert node[f"{AS}actor"] == [{"@id": activity["actor"]}], kind


@pytest.mark.anyio
async def test_a_boost_is_addressed_as_mastodon_addresses_it(db: None, urls: InstanceUrls) -> None:
    # Mastodon's tag_manager: public, with the boosted author and the booster's followers in cc.
    sent, _ = await _sent_by_alice(urls)
    announce = sent["Announce"]
    assert (announce["to"], announce["cc"]) == ([f"{AS}Public"], [BOB, urls.user_collection("alice", "followers")])


@pytest.mark.anyio
async def test_the_note_as_production_serves_it_expands_with_its_proof(db: None, urls: InstanceUrls) -> None:
    _, note = await _sent_by_alice(urls)
    (node,) = expand_strictly(note)
    (proof_graph,) = node[f"{SEC}proof"]
    assert proof_graph["@graph"][0]["@type"] == [f"{SEC}DataIntegrityProof"]
    assert node[f"{AS}attributedTo"] == [{"@id": note["attributedTo"]}]


def test_without_the_injected_context_the_proof_is_lost() -> None:
    like = build_like("https://hit.example/activities/l1", ALICE, f"{BOB}/statuses/1")
    with pytest.raises(AssertionError):
        expand_strictly(signed(like))


# Tamper tests: the check catches the mistakes it exists for.

def test_redefining_protected_proof_fails_expansion() -> None:
    context = copy.deepcopy(NOTE_CONTEXT)
    context[-1]["proof"] = {"@id": "https://fediverse-hit.org/ns#proof", "@type": "@id"}
    note = {**build_note(note_fields()), "@context": context}
    with pytest.raises(JsonLdError, match="protected term redefinition"):
        expand_strictly(note)


def test_an_undefined_property_is_caught() -> None:
    note = {**build_note(note_fields()), "quoteUri": f"{BOB}/statuses/2"}  # not in our term map
    with pytest.raises(AssertionError, match="quoteUri"):
        expand_strictly(note)


def test_an_undefined_prefix_is_caught() -> None:
    note = {**build_note(note_fields()), "misskey:_misskey_quote": f"{BOB}/statuses/2"}
    with pytest.raises(AssertionError, match="misskey"):
        expand_strictly(note)


def test_an_undefined_type_is_caught() -> None:
    note = build_note(note_fields())
    note["attachment"][0]["type"] = "PropertyValu"
    with pytest.raises(AssertionError, match="PropertyValu"):
        expand_strictly(note)


