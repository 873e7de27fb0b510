"""`fediverse-hit verify` against real instances: Bob on B remixes Alice's work on A through B's
outbox (the real flow: B fetches, verifies and pins the source, asks for consent); the chain
verifies online, a bundle altered in the source's content is caught, and with A stopped the
untouched bundle still verifies offline (issue 9, "Done when")."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from fediverse_hit.federation.chain_verification import VerifyExit
from tests.federation_steps import c2s, eventually, fetch_as2, make_user
from tests.instances import Instance, InstanceFactory

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def verify(instance: Instance, *args: str) -> subprocess.CompletedProcess[str]:
    return instance.cli("verify", *args, check=False)


def save_bundle(instance: Instance, remix: str, path: Path, alter: str | None = None) -> Path:
    bundle = httpx.get(f"{remix}/chain", timeout=15, trust_env=False).json()
    if alter is not None:
        entry = next(item for item in bundle["objects"] if item["id"] == alter)
        entry["document"] = entry["document"].replace("High water at six.", "High water at noon.")
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_remix_chain_verifies_online_and_offline_with_its_source_server_stopped(
    instances: InstanceFactory, tmp_path: Path
) -> None:
    a, b = instances.start(2)
    _alice, alice_token = make_user(a, "alice")
    _bob, bob_token = make_user(b, "bob")
    posted = c2s(a, "alice", alice_token, {"type": "Note", "name": "Tide tables", "content": "High water at six.", "to": [PUBLIC]})
    assert posted.status_code == 201
    source = posted.headers["location"]
    made = c2s(b, "bob", bob_token, {"type": "Note", "name": "Tide song", "content": "Sung at the harbour.",
                                     "to": [PUBLIC], "fhit:sources": [{"object": source}]})
    assert made.status_code == 201, made.text
    remix = made.headers["location"]
    eventually(lambda: "quoteAuthorization" in fetch_as2(remix)[1], "A's stamp reaches the remix")

    online = verify(b, remix)
    assert online.returncode == VerifyExit.HOLDS, online.stdout + online.stderr
    assert [line.split()[0] for line in online.stdout.splitlines()[1:3]] == ["verified", "verified"]
    assert online.stdout.splitlines()[-1] == "The chain holds: 2 links, 2 verified."

    bundle = save_bundle(b, remix, tmp_path / "chain.json")
    altered = save_bundle(b, remix, tmp_path / "altered.json", alter=source)
    tampered = verify(b, remix, "--offline", str(altered), "--json")
    assert tampered.returncode == VerifyExit.BROKEN
    report = json.loads(tampered.stdout)
    assert [(link["object"], link["verdict"]) for link in report["links"]] == [(remix, "verified"), (source, "tampered")]

    a.stop()
    offline = verify(b, remix, "--offline", str(bundle), "--strict")
    assert offline.returncode == VerifyExit.HOLDS, offline.stdout + offline.stderr
    assert offline.stdout.splitlines()[-1] == "The chain holds strictly: 2 links, 2 verified."
    without_a = verify(b, remix, "--json")
    assert without_a.returncode == VerifyExit.HOLDS, without_a.stdout
    assert [link["copy"] for link in json.loads(without_a.stdout)["links"]] == ["origin", "bundle"]
