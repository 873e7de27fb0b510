"""Every check of inbox acceptance (DESIGN §6), each with the hostile input it refuses, in process.

A baseline acceptance sits next to each refusal so that a test fails when a check is removed or
when it refuses too much."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fediverse_hit.errors import Unauthorized
from fediverse_hit.federation.inbox import InboundPost, check_addressed_here
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.domain_blocks import add_domain_block
from fediverse_hit.store.models import Actor, Follow, HostHealth, InboxItem, OutgoingActivity
from tests.inbox_harness import InboxHarness, RemotePerson

pytestmark = pytest.mark.anyio


def _follow(person: RemotePerson, target: str, suffix: str = "1") -> dict[str, object]:
    return person.activity("Follow", target, suffix)


async def _stored_ids() -> list[str]:
    return [str(v) for v in await InboxItem.all().order_by("id").values_list("activity_id", flat=True)]


async def test_a_signed_follow_is_accepted_and_stored_verbatim(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    activity = _follow(zoe, inbox.urls.user("alice"))
    response = await inbox.post(activity, zoe)
    assert response.status_code == 202
    [item] = await InboxItem.all()
    assert (item.activity_id, item.activity_type, item.actor_uri, item.signer_key_id) == (
        activity["id"], "Follow", zoe.actor_id, zoe.key_id,
    )
    assert json.loads(item.body) == activity


async def test_body_over_one_mebibyte_gets_413(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    huge = json.dumps({**_follow(zoe, inbox.urls.user("alice")), "pad": "x" * (1024 * 1024)}).encode()
    assert (await inbox.post(huge, zoe)).status_code == 413
    assert await _stored_ids() == []


async def test_malformed_json_bodies_get_400(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    hostile = [
        b"{this is not json",
        json.dumps([follow]).encode(),  # an array, not an object
        json.dumps(follow).replace('"Follow"', "NaN").encode(),  # NaN is not JSON
        json.dumps(follow).encode("utf-16"),  # Python decodes UTF-16 JSON, but the body is stored as UTF-8 text
    ]
    for body in hostile:
        response = await inbox.post(body, zoe)
        assert response.status_code == 400, body[:40]
    assert await _stored_ids() == []


async def test_json_nested_a_hundred_thousand_levels_gets_400_not_500(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    deep = b'{"id": "x", "pad": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = await inbox.post(deep, zoe)
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.text


async def test_json_nested_sixty_five_levels_gets_400_and_sixty_four_is_accepted(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    nested_64 = json.dumps({**follow, "pad": json.loads("[" * 63 + "]" * 63)}).encode()
    nested_65 = json.dumps({**follow, "pad": json.loads("[" * 64 + "]" * 64)}).encode()
    assert (await inbox.post(nested_65, zoe)).status_code == 400
    assert (await inbox.post(nested_64, zoe)).status_code == 202


async def test_activities_without_the_common_shape_get_400_with_the_reason(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    hostile = [
        ("the activity needs an `actor` IRI", {k: v for k, v in follow.items() if k != "actor"}),
        ("the activity needs an absolute `id`", {**follow, "id": "/relative/id"}),
        ("the activity needs a single string `type`", {**follow, "type": ["Follow", "Like"]}),
        ("the activity needs an `actor` IRI", {**follow, "actor": "mailto:zoe@remote.example"}),
        ("`object` must be an IRI or an object", {**follow, "object": 42}),
    ]
    for reason, activity in hostile:
        response = await inbox.post(activity, zoe)
        assert response.status_code == 400, activity
        assert response.json() == {"error": f"Not an activity: {reason}"}
    assert await _stored_ids() == []


async def test_fields_too_long_or_unstorable_get_400_before_any_write(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    hostile = {
        "The activity id is longer than 2048 characters.": {**follow, "id": zoe.actor_id + "/" + "i" * 3000},
        "The activity type is longer than 64 characters.": {**follow, "type": "T" * 65},
        "The actor IRI is longer than 2048 characters.": {**follow, "actor": zoe.actor_id + "?" + "a" * 3000},
        "The activity id contains a NUL character.": {**follow, "id": zoe.actor_id + "/nul\u0000"},
        "The activity id is not valid Unicode.": {**follow, "id": zoe.actor_id + "/\ud800"},
    }
    for message, activity in hostile.items():
        response = await inbox.post(json.dumps(activity).encode(), zoe)
        assert response.status_code == 400, message
        assert response.json() == {"error": message}
    assert await _stored_ids() == []


async def test_key_id_too_long_gets_400_without_fetching_it(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    long_key = zoe.actor_id + "?" + "k" * 3000 + "#main-key"
    response = await inbox.post(_follow(zoe, inbox.urls.user("alice")), zoe, key_id=long_key)
    assert response.status_code == 400
    assert response.json() == {"error": "The keyId is longer than 2048 characters."}
    assert inbox.network.fetched() == []


async def test_unsigned_post_gets_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    response = await inbox.post(_follow(zoe, inbox.urls.user("alice")), None)
    assert response.status_code == 401
    assert response.json() == {"error": "Request is not signed (no Signature or Signature-Input header)."}


async def test_tampered_body_and_wrong_private_key_get_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    mallory = inbox.network.person("mallory", "evil.example")
    follow = _follow(zoe, inbox.urls.user("alice"))
    body = json.dumps(follow).encode()
    signed = await inbox.post(body, zoe)  # baseline: the untampered body verifies
    assert signed.status_code == 202
    # Same keyId, someone else's private key.
    impostor = await inbox.post(_follow(zoe, inbox.urls.user("alice"), "2"), zoe, private_pem=mallory.rsa.private_pem)
    assert impostor.status_code == 401
    assert "does not verify" in impostor.text
    assert await _stored_ids() == [follow["id"]]


async def test_a_rotated_key_is_refetched_once_and_then_verifies(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    assert (await inbox.post(_follow(zoe, inbox.urls.user("alice")), zoe)).status_code == 202
    fetches_before = len(inbox.network.fetched())
    # Zoe's server rotates her key; our copy is old enough to be refetched.
    rotated = inbox.network.person("zoe", rsa="zoe-rotated")
    await inbox.remote_actor(zoe)
    await Actor.filter(uri=zoe.actor_id).update(fetched_at=datetime.now(UTC) - timedelta(minutes=5))
    response = await inbox.post(_follow(rotated, inbox.urls.user("alice"), "2"), rotated)
    assert response.status_code == 202
    assert inbox.network.fetched()[fetches_before:] == [zoe.actor_id]


async def test_signature_dated_fifty_minutes_off_either_way_is_accepted(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    now = datetime.now(UTC)
    for number, skew in enumerate((timedelta(minutes=50), timedelta(minutes=-50))):
        activity = _follow(zoe, inbox.urls.user("alice"), str(number))
        assert (await inbox.post(activity, zoe, now=now + skew)).status_code == 202, skew


async def test_signature_dated_just_outside_the_hour_either_way_gets_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    now = datetime.now(UTC)
    for number, skew in enumerate((timedelta(minutes=61), timedelta(minutes=-61))):
        activity = _follow(zoe, inbox.urls.user("alice"), str(number))
        assert (await inbox.post(activity, zoe, now=now + skew)).status_code == 401, skew
    assert await _stored_ids() == []


async def test_rfc9421_signed_post_is_accepted(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    assert (await inbox.post(_follow(zoe, inbox.urls.user("alice")), zoe, scheme="rfc9421")).status_code == 202


async def test_request_signed_for_another_server_and_replayed_here_gets_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    # Signed correctly, over Host: elsewhere.example (delivered there, then replayed to us).
    response = await inbox.post(follow, zoe, host="elsewhere.example")
    assert response.status_code == 401
    assert response.json() == {
        "error": f"The request was addressed to 'elsewhere.example', not to this server ({inbox.urls.domain})."
    }
    assert await _stored_ids() == []


def test_host_without_our_port_counts_as_ours_and_another_port_does_not() -> None:
    urls = InstanceUrls(scheme="https", domain="hit.test:8443")

    def post(host: str) -> InboundPost:
        return InboundPost("POST", f"https://{host}/inbox", [("host", host)], b"{}")

    check_addressed_here(post("hit.test:8443"), urls)
    check_addressed_here(post("HIT.test"), urls)  # some servers sign Host without the port
    for foreign in ("hit.test:9999", "other.test:8443", "other.test"):
        with pytest.raises(Unauthorized):
            check_addressed_here(post(foreign), urls)


async def test_signer_other_than_the_actor_without_proof_gets_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    relay = inbox.network.person("relay", "relay.example")
    response = await inbox.post(_follow(zoe, inbox.urls.user("alice")), relay)
    assert response.status_code == 401
    assert response.json() == {"error": "The signer is not the activity's actor and no proof by the actor holds."}


async def test_activity_id_on_another_server_than_the_actor_gets_403(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    forged = {**_follow(zoe, inbox.urls.user("alice")), "id": "https://victim.example/activities/1"}
    response = await inbox.post(forged, zoe)
    assert response.status_code == 403
    assert response.json() == {"error": "The activity id is not on the actor's server."}


async def test_create_update_delete_of_an_embedded_object_from_another_server_get_403(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    foreign = {**zoe.note(1), "id": "https://victim.example/notes/1"}
    for kind in ("Create", "Update", "Delete"):
        response = await inbox.post(zoe.activity(kind, foreign), zoe)
        assert response.status_code == 403, kind
        assert response.json() == {"error": "The object is not on the actor's server."}
    # Announce brings others' posts: an embedded foreign object is accepted.
    assert (await inbox.post(zoe.activity("Announce", foreign), zoe)).status_code == 202


async def test_create_of_an_embedded_object_from_the_actors_server_is_accepted(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    assert (await inbox.post(zoe.create(zoe.note(1)), zoe)).status_code == 202


async def test_key_on_a_blocked_domain_gets_403_before_the_key_is_fetched(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe", "blocked.example")
    await add_domain_block("blocked.example", "spam")
    response = await inbox.post(_follow(zoe, inbox.urls.user("alice")), zoe)
    assert response.status_code == 403
    assert response.json() == {"error": "Requests from this domain are refused."}
    assert inbox.network.fetched() == []


async def test_actor_on_a_blocked_domain_relayed_with_a_valid_proof_gets_403(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe", "blocked.example")
    relay = inbox.network.person("relay", "relay.example")
    await add_domain_block("blocked.example", "spam")
    proven = zoe.prove(_follow(zoe, inbox.urls.user("alice")))
    response = await inbox.post(proven, relay)
    assert response.status_code == 403
    assert response.json() == {"error": "Activities from this domain are refused."}


async def test_repeated_activity_id_is_accepted_and_stored_once(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    assert (await inbox.post(follow, zoe)).status_code == 202
    assert (await inbox.post(follow, zoe)).status_code == 202
    assert await _stored_ids() == [follow["id"]]


async def test_replayed_follow_is_processed_once_and_answered_once(inbox: InboxHarness) -> None:
    """The replay of tests/federation (which slept 2 s and looked for a second Accept), stepped."""
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, alice.uri)
    body = json.dumps(follow).encode()
    for _ in range(2):  # the same signed bytes twice
        assert (await inbox.post(body, zoe, path="/users/alice/inbox")).status_code == 202
    assert await inbox.process() == (1, 0)
    assert await inbox.process() == (0, 0)
    answers = [json.loads(row.body)["type"] for row in await OutgoingActivity.all()]
    assert answers == ["Accept"]
    assert await Follow.filter(follower__uri=zoe.actor_id, state="accepted").count() == 1


async def test_personal_inbox_of_an_unknown_account_gets_404(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    response = await inbox.post(_follow(zoe, inbox.urls.user("nobody")), zoe, path="/users/nobody/inbox")
    assert response.status_code == 404


async def test_key_that_cannot_be_fetched_gets_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    del inbox.network.documents[zoe.actor_id]  # her server answers 404
    response = await inbox.post(_follow(zoe, inbox.urls.user("alice")), zoe)
    assert response.status_code == 401
    assert "Could not fetch the signing key" in response.text


async def test_signature_header_that_cannot_be_parsed_gets_401(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    body = json.dumps(_follow(zoe, inbox.urls.user("alice"))).encode()
    headers = {"Content-Type": "application/activity+json", "Signature": f'keyId="{zoe.key_id}",signature="%%%"'}
    response = await inbox.client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 401
    assert "Invalid signature" in response.text


def test_an_instance_on_an_ipv6_address_accepts_its_bracketed_host_with_and_without_the_port() -> None:
    urls = InstanceUrls(scheme="https", domain="[2001:db8::1]:8443")

    def post(host: str) -> InboundPost:
        return InboundPost("POST", f"https://{host}/inbox", [("host", host)], b"{}")

    check_addressed_here(post("[2001:db8::1]:8443"), urls)
    check_addressed_here(post("[2001:db8::1]"), urls)
    with pytest.raises(Unauthorized):  # hostile: another address on the same network
        check_addressed_here(post("[2001:db8::2]"), urls)


async def test_a_second_delivery_signed_with_a_verified_key_fetches_nothing(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    assert (await inbox.post(_follow(zoe, inbox.urls.user("alice"), "1"), zoe)).status_code == 202
    fetched_once = inbox.network.fetched()
    assert (await inbox.post(_follow(zoe, inbox.urls.user("alice"), "2"), zoe)).status_code == 202
    assert inbox.network.fetched() == fetched_once == [zoe.actor_id]


async def test_a_server_given_up_on_is_reachable_again_once_it_delivers_a_signed_activity(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe", "back.example")
    await HostHealth.create(
        host="back.example", consecutive_failures=9, failure_days=["2026-12-01"], unavailable_since=datetime.now(UTC)
    )
    assert (await inbox.post(_follow(zoe, inbox.urls.user("alice")), zoe)).status_code == 202
    health = await HostHealth.get(host="back.example")
    assert (health.consecutive_failures, health.failure_days, health.unavailable_since) == (0, [], None)


def test_a_host_header_with_a_port_that_is_no_number_is_refused_with_the_reason() -> None:
    urls = InstanceUrls(scheme="https", domain="hit.test")
    hostile = InboundPost("POST", "https://hit.test:http/inbox", [("host", "hit.test:http")], b"{}")
    with pytest.raises(Unauthorized) as refused:
        check_addressed_here(hostile, urls)
    assert refused.value.message.startswith("The Host header is not valid: Port could not be cast")


async def test_fields_exactly_as_long_as_their_columns_are_accepted(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    follow = _follow(zoe, inbox.urls.user("alice"))
    longest_id = zoe.actor_id + "/" + "i" * (2048 - len(zoe.actor_id) - 1)
    at_the_limit = {**follow, "id": longest_id, "type": "T" * 64}
    assert (await inbox.post(at_the_limit, zoe)).status_code == 202
    assert await _stored_ids() == [longest_id]


async def test_a_body_that_is_not_utf8_is_refused_with_the_reason(inbox: InboxHarness) -> None:
    zoe = inbox.network.person("zoe")
    utf16 = json.dumps(_follow(zoe, inbox.urls.user("alice"))).encode("utf-16")  # hostile: decodes as JSON, not as text
    response = await inbox.post(utf16, zoe)
    assert response.status_code == 400
    assert response.json()["error"].startswith("Body is not UTF-8: 'utf-8' codec can't decode")
