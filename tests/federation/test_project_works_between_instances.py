"""A project's work across real instances: a project on A, submissions from B (a piece and a
remix of it), selected; the curator's work on A remixes both; its credits, served by A with the
project's proof, match the hand-computed table."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fediverse_hit.protocol.author_keys import resolve_author_key
from fediverse_hit.protocol.integrity_proofs import verify_proof
from tests.federation_steps import c2s, eventually, fetch_as2, make_user
from tests.instances import InstanceFactory
from tests.peer import AS2

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _project_outbox(url: str, token: str, activity: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        url, json={"@context": "https://www.w3.org/ns/activitystreams", **activity},
        headers={"Authorization": f"Bearer {token}", "Content-Type": AS2}, timeout=60,
    )


def _submitted(url: str) -> list[str]:
    return list(httpx.get(url, headers={"Accept": AS2}, timeout=10).json().get("orderedItems", []))


def test_a_work_from_submissions_on_another_server_is_credited_as_computed_by_hand(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    alice, alice_token = make_user(a, "alice")
    bo, bo_token = make_user(b, "bo")
    dan, dan_token = make_user(b, "dan")
    a.cli("project", "create", "mural", "--title", "City Mural", "--curator", "alice")
    project = a.url("/projects/mural")

    poem = c2s(b, "bo", bo_token, {"type": "Note", "to": [PUBLIC], "cc": [project], "name": "Tide", "content": "A poem."})
    assert poem.status_code == 201, poem.text
    poem_iri = poem.headers["location"]
    song = c2s(b, "dan", dan_token, {"type": "Note", "to": [PUBLIC], "cc": [project], "name": "Tide (song)",
                                     "content": "Set to music.", "fhit:sources": [{"object": poem_iri}]})
    assert song.status_code == 201, song.text
    song_iri = song.headers["location"]
    submissions = a.url("/projects/mural/submissions")
    eventually(lambda: set(_submitted(submissions)) == {poem_iri, song_iri}, "both submissions queued on A")

    for submission in (poem_iri, song_iri):
        selected = _project_outbox(a.url("/projects/mural/outbox"), alice_token,
                                   {"type": "Add", "object": submission, "target": a.url("/projects/mural/selected")})
        assert selected.status_code == 201, selected.text
    assert set(_submitted(a.url("/projects/mural/selected"))) == {poem_iri, song_iri}

    # W (upstream 60 %) cites the song (70 %) and the poem (30 %); the song (upstream 50 %) cites
    # the poem, reached twice. Alice keeps W's 40 %; Dan half of the song's 42 %: 21 %; Bo the
    # poem's 18 % plus the song's other 21 %: 39 %.
    note = {"type": "Note", "to": [PUBLIC], "name": "Harbour mural", "content": "Made of your pieces.",
            "fhit:sources": [{"object": song_iri, "fhit:weight": 7000}, {"object": poem_iri, "fhit:weight": 3000}],
            "fhit:upstreamShare": 6000}
    created = _project_outbox(a.url("/projects/mural/outbox"), alice_token, {"type": "Create", "object": note})
    assert created.status_code == 201, created.text
    status, work = fetch_as2(created.headers["location"])
    assert status == 200
    assert work["attributedTo"] == [project, alice]

    status, credits = fetch_as2(work["fhit:credits"])
    assert status == 200
    table = {item["actor"]: (item["fhit:role"], item["fhit:share"], item["fhit:exactShare"], item["fhit:pathCount"])
             for item in credits["orderedItems"]}
    assert table == {
        alice: ("curator", 4000, "2/5", 1),
        bo: ("contributor", 3900, "39/100", 2),
        dan: ("contributor", 2100, "21/100", 1),
    }
    _, group = fetch_as2(project)
    method = credits["proof"]["verificationMethod"]
    signer, key = resolve_author_key(method, [project], {project: group}.get)
    assert signer == project
    assert verify_proof(credits, lambda wanted: key if wanted == method else None).verification_method == method
