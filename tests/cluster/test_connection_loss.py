"""Requests made right after every database connection of a web process was terminated (what a
PostgreSQL failover or restart does) get their normal answers, never a 500 (issue 14 item 3):
documents and pages, a signed inbox POST, a client-to-server post stored exactly once."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster_processes import running_cluster
from tests.instances import POSTGRES_URL
from tests.peer import Peer

pytestmark = [
    pytest.mark.federation,
    pytest.mark.skipif(not POSTGRES_URL, reason="terminates PostgreSQL backends (set HIT_TEST_POSTGRES_URL)"),
]

ROUNDS = 10
AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def test_requests_right_after_the_termination_of_every_database_connection_get_no_500(
    tmp_path: Path, peer: Peer
) -> None:
    with running_cluster(tmp_path, webs=1, workers=0) as cluster, httpx.Client(trust_env=False, timeout=15) as http:
        cluster.cli("user", "create", "alice", "--password", "correct horse battery")
        token = cluster.cli("token", "create", "alice").strip().splitlines()[-1]
        webfinger = f"/.well-known/webfinger?resource=acct:alice@{cluster.domain}"
        as2 = {"Accept": "application/activity+json"}
        answers: list[tuple[str, int]] = []
        for round_number in range(ROUNDS):
            for path in ("/users/alice", "/healthz", webfinger, "/", "/users/alice/outbox"):
                assert http.get(cluster.web_url(0, path), headers=as2).status_code == 200  # live pool connections
            assert cluster.terminate_connections() >= 1
            # A keep-alive client's next requests reach the web process within a millisecond, often
            # before its pool has seen that the connections were closed.
            answers.append(("actor document", http.get(cluster.web_url(0, "/users/alice"), headers=as2).status_code))
            answers.append(("webfinger", http.get(cluster.web_url(0, webfinger)).status_code))
            page = http.get(cluster.web_url(0, "/users/alice"), headers={"Accept": "text/html"})
            answers.append(("profile page", page.status_code))
            cluster.terminate_connections()
            follow = {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{peer.actor_id}#follows/{uuid.uuid4().hex}",
                "type": "Follow",
                "actor": peer.actor_id,
                "object": cluster.public_url("/users/alice"),
            }
            answers.append(("inbox POST", cluster.signed_post(peer, 0, "/users/alice/inbox", follow).status_code))
            cluster.terminate_connections()
            note = {"@context": AS, "type": "Note", "content": f"failover note {round_number}.", "to": [PUBLIC]}
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/activity+json"}
            posted = http.post(cluster.web_url(0, "/users/alice/outbox"), json=note, headers=headers)
            answers.append(("C2S post", posted.status_code))

        expected = [("actor document", 200), ("webfinger", 200), ("profile page", 200), ("inbox POST", 202), ("C2S post", 201)]
        assert answers == expected * ROUNDS, cluster.logs()[-5000:]
        notes = cluster.sql("SELECT count(*) AS n FROM contributions WHERE content_html LIKE '%failover note%'")
        assert notes[0]["n"] == ROUNDS
        assert cluster.sql("SELECT count(*) AS n FROM inbox_items")[0]["n"] == ROUNDS
