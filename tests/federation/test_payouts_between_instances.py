"""Payments across real instances (issue 17 items 6 and 9): a project on A; Bo's poem on B, Cy's
remix of it on C, A's work remixing both (a remix of a remix across three servers). An earning
opens a proposal; Bo comments from B; a curator adjusts a line; C goes down; the proposal is
finalized; B records the statement at once, C when it is back; sent again, it is still recorded
exactly once on each."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.federation_steps import c2s, eventually, fetch_as2, make_user
from tests.instances import Instance, InstanceFactory
from tests.peer import AS2

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _ledger(instance: Instance, user: str) -> list[list[str]]:
    return [line.split("\t") for line in instance.cli("earnings", user).stdout.splitlines()]


def _page(url: str) -> str:
    return httpx.get(url, headers={"Accept": "text/html"}, timeout=10).text


def test_a_statement_reaches_each_contributors_ledger_once_even_after_a_server_was_down(
    instances: InstanceFactory,
) -> None:
    a, b, c = instances.start(3)
    alice, alice_token = make_user(a, "alice")
    bo, bo_token = make_user(b, "bo")
    cy, cy_token = make_user(c, "cy")
    a.cli("project", "create", "mural", "--title", "City Mural", "--curator", "alice", "--comment-days", "0")
    project = a.url("/projects/mural")

    poem = c2s(b, "bo", bo_token, {"type": "Note", "to": [PUBLIC], "cc": [project], "name": "Tide", "content": "A poem."})
    assert poem.status_code == 201, poem.text
    song = c2s(c, "cy", cy_token, {"type": "Note", "to": [PUBLIC], "cc": [project], "name": "Tide (song)",
                                   "content": "Set to music.", "fhit:sources": [{"object": poem.headers["location"]}]})
    assert song.status_code == 201, song.text
    note = {"type": "Note", "to": [PUBLIC], "name": "Harbour mural", "content": "Made of your pieces.",
            "fhit:upstreamShare": 6000, "fhit:sources": [{"object": song.headers["location"], "fhit:weight": 7000},
                                                         {"object": poem.headers["location"], "fhit:weight": 3000}]}
    work = httpx.post(a.url("/projects/mural/outbox"), json={"@context": "https://www.w3.org/ns/activitystreams",
                      "type": "Create", "object": note},
                      headers={"Authorization": f"Bearer {alice_token}", "Content-Type": AS2}, timeout=60)
    assert work.status_code == 201, work.text

    # Credits: Alice 2/5, Bo 39/100, Cy 21/100. 250.00 EUR less 50.00 costs, half to the pool:
    # 100.00 EUR; Alice 40.00, Bo 39.00, Cy 21.00.
    earning = a.cli("project", "earning", "mural", work.headers["location"], "--amount", "25000",
                    "--currency", "EUR", "--costs", "5000")
    proposal_url = earning.stdout.strip().splitlines()[-1]
    status, proposal = fetch_as2(proposal_url)
    assert status == 200 and proposal["type"] == "fhit:PaymentProposal"
    assert {line["actor"]: line["fhit:amount"] for line in proposal["fhit:lines"]} == {alice: 4000, bo: 3900, cy: 2100}

    comment = c2s(b, "bo", bo_token, {"type": "Note", "to": [PUBLIC], "inReplyTo": proposal_url,
                                      "content": "Cy did most of the song, pay Cy a little more?"})
    assert comment.status_code == 201, comment.text
    eventually(lambda: "pay Cy a little more?" in _page(proposal_url), "Bo's comment shown on A's proposal page")

    a.cli("project", "adjust", proposal_url, "--from", alice, "--to", cy, "--amount", "500",
          "--reason", "Cy arranged the song (asked for in the comments)")
    _, adjusted = fetch_as2(proposal_url)
    assert {line["actor"]: line["fhit:amount"] for line in adjusted["fhit:lines"]} == {alice: 3500, bo: 3900, cy: 2600}

    c.stop()
    final = a.cli("project", "finalize", proposal_url)
    statement_url = final.stdout.strip().splitlines()[-1]
    eventually(lambda: len(_ledger(b, "bo")) == 1, "the statement in Bo's ledger on B")
    assert _ledger(b, "bo")[0][3:] == ["3900", "EUR", statement_url]
    again = a.cli("project", "finalize", proposal_url, check=False)
    assert again.returncode == 1 and "finalized already" in again.stderr

    time.sleep(2)  # A's first try to C fails while C is down
    c.start()
    a.cli("deliveries", "retry")  # the operator's "it is back, try now" instead of waiting
    eventually(lambda: len(_ledger(c, "cy")) == 1, "the statement in Cy's ledger on C after C came back", timeout=60)
    assert _ledger(c, "cy")[0][3:] == ["2600", "EUR", statement_url]

    a.cli("project", "resend", proposal_url)  # delivered a second time, in a new Create
    time.sleep(3)
    a.cli("deliveries", "retry")
    time.sleep(3)
    assert len(_ledger(b, "bo")) == 1 and len(_ledger(c, "cy")) == 1
    assert sum(int(row[3]) for row in [*_ledger(b, "bo"), *_ledger(c, "cy")]) + 3500 == adjusted["fhit:pool"]
