"""Works: a curator's Create of a Note with fhit:sources through the project's outbox is a remix
by the project, attributed to the project and its curators, signed by the project; its credits
are served at /projects/SLUG/credits/ID with the project's proof, each share explained."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import httpx
import pytest

from fediverse_hit.federation.project_credits import work_exact_shares
from fediverse_hit.federation.publishing import edit_contribution
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.credit_documents import read_credit_shares
from fediverse_hit.protocol.integrity_proofs import verify_proof
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.store.models import Contribution, Project, ProjectCredits, RemixSource
from tests.inbox_harness import InboxHarness
from tests.remix_steps import AS2, PUBLIC, ed25519_public_key, fetch_note, person_with_token, post, remix

pytestmark = pytest.mark.anyio

H = "http://hit.test"
ALICE, CARLA, DEE = f"{H}/users/alice", f"{H}/users/carla", f"{H}/users/dee"
ADA, BO = f"{H}/users/ada", f"{H}/users/bo"


async def _work(client: httpx.AsyncClient, token: str, sources: list[dict[str, Any]], share: int = 6000) -> httpx.Response:
    note = {
        "type": "Note", "name": "Harbour mural", "content": "Made of your pieces.", "to": [PUBLIC],
        "fhit:sources": sources, "fhit:upstreamShare": share,
    }
    headers = {"Authorization": f"Bearer {token}", "Content-Type": AS2}
    body = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create", "object": note}
    return await client.post("/projects/mural/outbox", content=json.dumps(body), headers=headers)


async def _world(inbox: InboxHarness, urls: InstanceUrls) -> tuple[Project, str, str, str]:
    """Ada's poem P; Bo's remix R of P (upstream 50 %); project `mural` curated by Alice, Carla
    and Dee. Returns (project, Alice's token, P, R)."""
    client = inbox.client
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    alice, alice_token = await person_with_token("alice", urls)
    carla, _ = await person_with_token("carla", urls)
    dee, _ = await person_with_token("dee", urls)
    project = await create_project(ProjectDraft(slug="mural", title="City Mural"), [alice, carla, dee], urls)
    poem = (await post(client, "ada", ada_token, {"name": "Tide", "content": "A poem."})).headers["location"]
    remixed = await remix(client, "bo", bo_token, poem)
    assert remixed.status_code == 201, remixed.text
    return project, alice_token, poem, remixed.headers["location"]


async def _credits(client: httpx.AsyncClient, work_iri: str) -> dict[str, Any]:
    note, _ = await fetch_note(client, work_iri)
    response = await client.get(note["fhit:credits"], headers={"Accept": AS2})
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


async def test_a_work_is_a_remix_by_the_project_attributed_to_its_curators(inbox: InboxHarness, urls: InstanceUrls) -> None:
    project, token, poem, remix_iri = await _world(inbox, urls)
    response = await _work(inbox.client, token, [{"object": remix_iri, "fhit:weight": 7000}, {"object": poem, "fhit:weight": 3000}])
    assert response.status_code == 201, response.text
    note, _ = await fetch_note(inbox.client, response.headers["location"])
    assert note["attributedTo"] == [project.actor.uri, ALICE, CARLA, DEE]
    assert [(entry["object"], entry["fhit:weight"]) for entry in note["fhit:sources"]] == [(remix_iri, 7000), (poem, 3000)]
    assert note["fhit:upstreamShare"] == 6000
    work = await Contribution.get(uri=response.headers["location"])
    assert note["fhit:credits"] == f"{H}/projects/mural/credits/{work.local_id}"
    assert note["@context"][-1]["fhit:credits"] == {"@id": "fhit:credits", "@type": "@id"}
    key, method = await ed25519_public_key(project.actor), f"{project.actor.uri}#ed25519-key"
    assert verify_proof(note, lambda wanted: key if wanted == method else None).verification_method == method
    assert await RemixSource.filter(remix=work).count() == 2


async def test_credits_of_a_remix_of_a_remix_match_the_hand_computed_table(inbox: InboxHarness, urls: InstanceUrls) -> None:
    # W (upstream 60 %) cites R (70 %) and P (30 %); R (upstream 50 %) cites P. P is reached twice.
    # Curators share W's own 40 %: 2/15 each. Bo keeps half of R's 42 %: 21/100. Ada gets
    # P's 18 % directly and R's other 21 %: 39/100. Basis points: 1333.33 × 3 (the spare point to
    # the smallest actor id, Alice), 2100, 3900.
    project, token, poem, remix_iri = await _world(inbox, urls)
    response = await _work(inbox.client, token, [{"object": remix_iri, "fhit:weight": 7000}, {"object": poem, "fhit:weight": 3000}])
    document = await _credits(inbox.client, response.headers["location"])
    table = {item["actor"]: (item["fhit:role"], item["fhit:share"], item["fhit:exactShare"]) for item in document["orderedItems"]}
    assert table == {
        ADA: ("contributor", 3900, "39/100"),
        BO: ("contributor", 2100, "21/100"),
        ALICE: ("curator", 1334, "2/15"),
        CARLA: ("curator", 1333, "2/15"),
        DEE: ("curator", 1333, "2/15"),
    }
    assert [item["actor"] for item in document["orderedItems"]] == [ADA, BO, ALICE, CARLA, DEE]
    assert sum(item["fhit:share"] for item in document["orderedItems"]) == 10000
    ada = document["orderedItems"][0]
    assert ada["fhit:pathCount"] == 2
    assert ada["fhit:contributions"] == [poem]
    work_iri = response.headers["location"]
    assert [
        ([(s["object"], s["fhit:upstreamShare"], s["fhit:weight"]) for s in path["fhit:steps"]], path["fhit:exactShare"])
        for path in ada["fhit:paths"]
    ] == [
        ([(work_iri, 6000, 7000), (remix_iri, 5000, 10000)], "21/100"),
        ([(work_iri, 6000, 3000)], "9/50"),
    ]
    assert read_credit_shares(document)[ADA] == Fraction(39, 100)
    assert (await work_exact_shares(await Contribution.get(uri=work_iri), urls))[1] == {
        ADA: Fraction(39, 100), BO: Fraction(21, 100), ALICE: Fraction(2, 15), CARLA: Fraction(2, 15), DEE: Fraction(2, 15),
    }


async def test_the_credits_carry_the_projects_proof(inbox: InboxHarness, urls: InstanceUrls) -> None:
    project, token, poem, _ = await _world(inbox, urls)
    response = await _work(inbox.client, token, [{"object": poem}])
    document = await _credits(inbox.client, response.headers["location"])
    key, method = await ed25519_public_key(project.actor), f"{project.actor.uri}#ed25519-key"
    assert verify_proof(document, lambda wanted: key if wanted == method else None).verification_method == method
    assert (document["type"], document["attributedTo"], document["fhit:version"]) == ("OrderedCollection", project.actor.uri, 1)
    assert document["fhit:work"] == response.headers["location"]
    assert document["id"].endswith("/credits/" + document["fhit:work"].rsplit("/", 1)[1])
    tampered = {**document, "orderedItems": list(reversed(document["orderedItems"]))}
    with pytest.raises(ValueError):
        verify_proof(tampered, lambda wanted: key if wanted == method else None)


async def test_credits_are_not_versioned_again_while_nothing_changed(inbox: InboxHarness, urls: InstanceUrls) -> None:
    _, token, poem, _ = await _world(inbox, urls)
    response = await _work(inbox.client, token, [{"object": poem}])
    first = await _credits(inbox.client, response.headers["location"])
    again = await _credits(inbox.client, response.headers["location"])
    assert first == again
    assert await ProjectCredits.all().count() == 1
    version = await inbox.client.get(first["fhit:thisVersion"], headers={"Accept": AS2})
    assert version.json()["id"] == first["fhit:thisVersion"]
    assert version.json()["orderedItems"] == first["orderedItems"]


async def test_a_non_curator_cannot_publish_a_work(inbox: InboxHarness, urls: InstanceUrls) -> None:
    _, _, poem, _ = await _world(inbox, urls)
    _, bo_token = await person_with_token("eve", urls)
    response = await _work(inbox.client, bo_token, [{"object": poem}])
    assert response.status_code == 403
    assert response.json()["error"] == "Only the project's curators may act as the project."
    assert await Contribution.filter(author__kind="Group").count() == 0


async def test_the_credits_page_explains_each_path(inbox: InboxHarness, urls: InstanceUrls) -> None:
    _, token, poem, remix_iri = await _world(inbox, urls)
    response = await _work(inbox.client, token, [{"object": remix_iri, "fhit:weight": 7000}, {"object": poem, "fhit:weight": 3000}])
    note, _ = await fetch_note(inbox.client, response.headers["location"])
    page = await inbox.client.get(note["fhit:credits"], headers={"Accept": "text/html"})
    assert page.status_code == 200
    text = page.text
    assert "Credits of" in text and "39/100" in text and "by 2 paths" in text
    assert "passes 60 % upstream, 70 % of it on to" in text
    assert "which keeps 40 %, split among 3 authors: <strong>2/15</strong>" in text


async def test_a_changed_work_gets_new_signed_credits_and_the_old_version_stays_readable(
    inbox: InboxHarness, urls: InstanceUrls
) -> None:
    project, token, poem, _ = await _world(inbox, urls)
    response = await _work(inbox.client, token, [{"object": poem}])
    first = await _credits(inbox.client, response.headers["location"])
    work = await Contribution.get(uri=response.headers["location"]).prefetch_related("author")
    await edit_contribution(work.author, work, Draft(title="Harbour mural (final cut)", source="Made of your pieces."), inbox.fetcher)

    second = await _credits(inbox.client, response.headers["location"])
    assert (second["fhit:version"], second["fhit:previousVersion"]) == (2, first["fhit:thisVersion"])
    assert second["fhit:workDigest"] != first["fhit:workDigest"]
    assert second["orderedItems"] == first["orderedItems"]  # the same pieces, so the same shares
    old = await inbox.client.get(first["fhit:thisVersion"], headers={"Accept": AS2})
    assert (old.json()["fhit:version"], old.json()["fhit:workDigest"]) == (1, first["fhit:workDigest"])
    key, method = await ed25519_public_key(project.actor), f"{project.actor.uri}#ed25519-key"
    assert verify_proof(old.json(), lambda wanted: key if wanted == method else None).verification_method == method
    page = await inbox.client.get(first["fhit:thisVersion"], headers={"Accept": "text/html"})
    assert "an earlier version; these credits have changed since" in page.text
