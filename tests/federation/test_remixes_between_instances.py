"""Remixes across real instances (subprocesses, own databases, signed HTTP): a remix made through
C2S on one server pins a work on another by digest and verifies; a chain of remixes spans three
servers; licences are enforced against the remote work; the pinned version outlives an edit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fediverse_hit.protocol.attribution import Verdict, verify_chain
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.store.models import ChainDocument, Notification, RemixSource
from tests.federation.inbound_support import in_db
from tests.federation_steps import c2s, eventually, fetch_as2, make_user
from tests.instances import Instance, InstanceFactory

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
BY = "https://creativecommons.org/licenses/by/4.0/"
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/"


@dataclass
class World:
    a: Instance
    b: Instance
    c: Instance
    tokens: dict[str, str]
    actors: dict[str, str]


@pytest.fixture(scope="module")
def world(module_instances: InstanceFactory) -> Iterator[World]:
    a, b, c = module_instances.start(3)
    tokens, actors = {}, {}
    for instance, name in ((a, "ada"), (b, "bo"), (c, "cy")):
        actors[name], tokens[name] = make_user(instance, name)
    yield World(a, b, c, tokens, actors)


def _post(world: World, instance: Instance, user: str, **note: Any) -> str:
    response = c2s(instance, user, world.tokens[user], {"type": "Note", "to": [PUBLIC], **note})
    assert response.status_code == 201, response.text
    return response.headers["location"]


def _fetch(iri: str) -> dict[str, Any]:
    status, document = fetch_as2(iri)
    assert status == 200, iri
    return document


def _actor_lookup(world: World) -> dict[str, dict[str, Any]]:
    return {uri: _fetch(uri) for uri in world.actors.values()}


def test_a_remix_on_b_of_a_work_on_a_pins_it_and_verifies(world: World) -> None:
    original = _post(world, world.a, "ada", name="Night bus", content="A poem about the last bus home.")
    remix_iri = _post(world, world.b, "bo", name="Night bus (song)", content="Set to music.",
                      **{"fhit:sources": [{"object": original}]})
    remix, source = _fetch(remix_iri), _fetch(original)

    pinned = remix["fhit:sources"][0]
    assert pinned["digestMultibase"].startswith("z")
    assert pinned == {"type": "fhit:Source", "object": original, "attributedTo": world.actors["ada"],
                      "digestMultibase": compute_digest_multibase(source), "fhit:weight": 10000}
    assert remix["quote"] == original
    actors = _actor_lookup(world)
    report = verify_chain(remix, lambda oid, digest: source if (oid, digest) == (original, pinned["digestMultibase"]) else None,
                          actors.get)
    assert [(link.object_id, link.verdict) for link in report.links] == [
        (remix_iri, Verdict.VERIFIED), (original, Verdict.VERIFIED),
    ]
    eventually(lambda: in_db(world.a, lambda: RemixSource.filter(remix__uri=remix_iri, source__uri=original).exists()),
               "A lists the remix among its work's remixes")
    eventually(lambda: "remix" in in_db(world.a, lambda: Notification.filter(recipient__uri=world.actors["ada"])
                                        .values_list("kind", flat=True)), "ada is told of the remix")


def test_a_remix_of_a_no_derivatives_work_on_another_server_is_refused_naming_the_licence(world: World) -> None:
    original = _post(world, world.a, "ada", name="Closed", content="No remixes.", license=BY_ND)
    response = c2s(world.b, "bo", world.tokens["bo"], {"type": "Note", "content": "Try.", "to": [PUBLIC],
                                                       "fhit:sources": [{"object": original}]})
    assert response.status_code == 422
    assert response.json() == {"error": (
        f"This remix cannot be made: source {original} is under CC BY-ND 4.0, which forbids derivatives "
        "(NoDerivatives)."
    )}


def test_share_alike_on_another_server_binds_the_remix_licence(world: World) -> None:
    original = _post(world, world.a, "ada", name="Open", content="Share alike.", license=BY_SA)
    refused = c2s(world.b, "bo", world.tokens["bo"], {"type": "Note", "content": "Mine.", "to": [PUBLIC],
                                                      "license": BY, "fhit:sources": [{"object": original}]})
    assert refused.status_code == 422
    assert "its ShareAlike term requires the remix to be CC BY-SA 4.0, not CC BY 4.0" in refused.json()["error"]
    made = _post(world, world.b, "bo", content="Mine, shared alike.", license=BY_SA, **{"fhit:sources": [{"object": original}]})
    assert _fetch(made)["license"] == BY_SA


def test_a_remix_of_a_remix_of_a_remix_spans_three_servers_and_verifies(world: World) -> None:
    first = _post(world, world.a, "ada", name="Seed", content="A melody.")
    second = _post(world, world.b, "bo", content="Lyrics on it.", **{"fhit:sources": [{"object": first}]})
    third = _post(world, world.c, "cy", content="A video of it.", **{"fhit:sources": [{"object": second}]})
    fourth = _post(world, world.a, "ada", content="A dance to it.", **{"fhit:sources": [{"object": third}]})

    kept = in_db(world.a, lambda: ChainDocument.all().values_list("object_uri", "digest_multibase", "document_json"))
    objects = {(uri, digest): json.loads(text) for uri, digest, text in kept}
    assert {uri for uri, _ in objects} >= {first, second, third}
    report = verify_chain(_fetch(fourth), lambda oid, digest: objects.get((oid, digest)), _actor_lookup(world).get)
    assert [(link.object_id, link.verdict) for link in report.links] == [
        (fourth, Verdict.VERIFIED), (third, Verdict.VERIFIED), (second, Verdict.VERIFIED), (first, Verdict.VERIFIED),
    ]


def test_the_pinned_version_still_matches_after_the_source_is_edited(world: World) -> None:
    original = _post(world, world.a, "ada", name="Draft", content="First words.")
    remix = _fetch(_post(world, world.b, "bo", content="Answer.", **{"fhit:sources": [{"object": original}]}))
    update = {"type": "Update", "object": {"id": original, "type": "Note", "name": "Draft", "content": "Second words."}}
    assert c2s(world.a, "ada", world.tokens["ada"], update).status_code == 201
    pinned = remix["fhit:sources"][0]["digestMultibase"]
    assert compute_digest_multibase(_fetch(original)) != pinned
    assert compute_digest_multibase(_fetch(f"{original}/versions/1")) == pinned
