"""`fediverse-hit verify URL --offline BUNDLE`: what it prints and the exit code it gives for each
way a chain can hold or fail (VerifyExit, documented in README and docs/attribution-chains.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.cli import main
from fediverse_hit.federation.chain_verification import VerifyExit
from fediverse_hit.protocol.chain_bundles import BundledObject, build_chain_bundle
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.settings import PROJECT_ROOT
from tests.protocol.chain_worlds import Author, Cite, make_note

ALICE = Author("a.example", "alice")
BOB = Author("b.example", "bob")


def write_bundle(path: Path, root: Mapping[str, Any], ancestors: Sequence[Mapping[str, Any]], authors: Sequence[Author]) -> str:
    def entry(document: Mapping[str, Any]) -> BundledObject:
        return BundledObject(str(document["id"]), compute_digest_multibase(document), json.dumps(document))

    actors = [(author.id, json.dumps(author.actor_document())) for author in authors]
    path.write_text(json.dumps(build_chain_bundle(entry(root), [entry(doc) for doc in ancestors], actors)))
    return str(path)


def run_verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["verify", *args])
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_verified_chain_prints_one_line_per_link_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    bundle = write_bundle(tmp_path / "chain.json", remix, [original], [ALICE, BOB])

    code, out, _err = run_verify(capsys, remix["id"], "--offline", bundle)

    assert (code, VerifyExit.HOLDS.value) == (0, 0)
    assert out.splitlines() == [
        f"Attribution chain of {remix['id']} (offline, from the bundle {bundle})",
        f"verified      {remix['id']} — proof by {BOB.id} holds [copy from the bundle]",
        f"verified        {original['id']} — proof by {ALICE.id} holds [copy from the bundle]",
        "The chain holds: 2 links, 2 verified.",
    ]


def test_source_altered_in_the_bundle_exits_1_naming_the_tampered_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    path = tmp_path / "chain.json"
    write_bundle(path, remix, [original], [ALICE, BOB])
    bundle = json.loads(path.read_text())
    bundle["objects"][1]["document"] = bundle["objects"][1]["document"].replace("Night bus", "Day bus")
    path.write_text(json.dumps(bundle))

    code, out, _err = run_verify(capsys, remix["id"], "--offline", str(path), "--json")

    assert (code, VerifyExit.BROKEN.value) == (1, 1)
    report = json.loads(out)
    assert (report["holds"], report["exitCode"]) == (False, 1)
    assert [link["verdict"] for link in report["links"]] == ["verified", "tampered"]


def test_attested_link_holds_but_not_strictly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toot = make_note(ALICE, 1, "A Mastodon post", sign=False)
    remix = make_note(BOB, 7, "Reply song", [Cite(toot, 10000)])
    bundle = write_bundle(tmp_path / "chain.json", remix, [toot], [BOB])

    lenient, _out, _err = run_verify(capsys, remix["id"], "--offline", bundle)
    strict, out, _err = run_verify(capsys, remix["id"], "--offline", bundle, "--strict")

    assert (lenient, strict) == (VerifyExit.HOLDS, VerifyExit.BROKEN)
    assert out.splitlines()[-1] == (
        "The chain does not hold strictly (attested links are not verified): 2 links, 1 verified, 1 attested."
    )


def test_missing_author_key_makes_the_link_unavailable_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = make_note(ALICE, 1, "Night bus")
    remix = make_note(BOB, 7, "Night bus (song)", [Cite(original, 10000)])
    bundle = write_bundle(tmp_path / "chain.json", remix, [original], [BOB])

    code, out, _err = run_verify(capsys, remix["id"], "--offline", bundle)

    assert code == VerifyExit.BROKEN
    assert out.splitlines()[2].startswith(f"unavailable     {original['id']} — author's key document unavailable")


def test_cycle_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = make_note(ALICE, 1, "First")
    second = make_note(BOB, 2, "Second", [Cite(first, 10000)])
    # Alice's work 1, version 2, cites Bob's work that cites her version 1: a cycle by object id.
    again = make_note(ALICE, 1, "First, edited", [Cite(second, 10000)])
    bundle = write_bundle(tmp_path / "chain.json", again, [second, first], [ALICE, BOB])

    code, _out, err = run_verify(capsys, again["id"], "--offline", bundle)

    assert (code, VerifyExit.MALFORMED.value) == (3, 3)
    assert err.startswith("error: the chain is refused as a whole: ")


def test_bundle_for_another_object_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = make_note(ALICE, 1, "Night bus")
    bundle = write_bundle(tmp_path / "chain.json", original, [], [ALICE])

    code, out, _err = run_verify(capsys, "https://b.example/contributions/7", "--offline", bundle, "--json")

    assert (code, VerifyExit.NO_ROOT.value) == (4, 4)
    assert json.loads(out)["error"] == (
        f"nothing to verify: the bundle is the chain of {original['id']}, not of https://b.example/contributions/7"
    )


def test_unreadable_bundle_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "chain.json"
    path.write_text('{"type": "fhit:ChainBundle", "type": "fhit:ChainBundle"}')

    code, _out, err = run_verify(capsys, "https://b.example/contributions/7", "--offline", str(path))

    assert code == VerifyExit.NO_ROOT
    assert err == "error: nothing to verify: bundle is not valid JSON: duplicate key 'type'\n"


def test_missing_url_is_a_usage_error_exiting_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_verify(capsys)

    assert (code, VerifyExit.USAGE.value) == (2, 2)
    assert "the following arguments are required: url" in err


def test_the_documented_example_run_is_what_the_command_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (PROJECT_ROOT / "docs" / "attribution-chains.md").read_text(encoding="utf-8")
    examples = dict(re.findall(r"<!-- example:([\w-]+) -->\n```json\n(.*?)\n```", doc, re.DOTALL))
    run = re.search(r"```\n\$ fediverse-hit verify (\S+) --offline chain.json\n(.*?)\n```", doc, re.DOTALL)
    assert run is not None
    original, remix = json.loads(examples["original"]), json.loads(examples["remix"])
    actors = [(json.loads(examples[name])["id"], examples[name]) for name in ("alice", "bob")]
    entries = [BundledObject(str(doc_["id"]), compute_digest_multibase(doc_), examples[name])
               for name, doc_ in (("remix", remix), ("original", original))]
    (tmp_path / "chain.json").write_text(json.dumps(build_chain_bundle(entries[0], entries[1:], actors)))
    monkeypatch.chdir(tmp_path)

    code, out, _err = run_verify(capsys, run.group(1), "--offline", "chain.json")

    assert code == VerifyExit.HOLDS
    assert out.rstrip("\n") == run.group(2)
