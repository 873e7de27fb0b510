"""`chain_reports`: the readable lines and the JSON of a chain report, known answers."""

from __future__ import annotations

from fediverse_hit.protocol.attribution import ChainReport, LinkReport, Verdict
from fediverse_hit.protocol.chain_reports import chain_report_to_json, format_chain_report, summarize_chain_report

ROOT = "https://b.example/contributions/7"
SOURCE = "https://a.example/contributions/1"
REPORT = ChainReport(ROOT, (
    LinkReport(None, ROOT, "zQmRoot", 0, Verdict.VERIFIED, "proof by https://b.example/users/bob holds", "https://b.example/users/bob"),
    LinkReport(ROOT, SOURCE, "zQmSource", 1, Verdict.KEY_MISMATCH, "key is not alice's"),
))


def test_lines_name_verdict_indent_by_depth_and_mark_bundle_copies() -> None:
    assert format_chain_report(REPORT, copies={(SOURCE, "zQmSource"): "bundle", (ROOT, "zQmRoot"): "origin"}) == [
        f"verified      {ROOT} — proof by https://b.example/users/bob holds",
        f"key mismatch    {SOURCE} — key is not alice's [copy from the bundle]",
        "The chain does not hold: 2 links, 1 verified, 1 key mismatch.",
    ]


def test_summary_of_a_single_verified_link_is_singular_and_strict() -> None:
    single = ChainReport(ROOT, REPORT.links[:1])
    assert summarize_chain_report(single, strict=True) == "The chain holds strictly: 1 link, 1 verified."


def test_json_lists_every_link_with_its_copy() -> None:
    assert chain_report_to_json(REPORT, strict=True, copies={(ROOT, "zQmRoot"): "origin"}) == {
        "root": ROOT,
        "strict": True,
        "holds": False,
        "links": [
            {"parent": None, "object": ROOT, "digestMultibase": "zQmRoot", "depth": 0, "verdict": "verified",
             "reason": "proof by https://b.example/users/bob holds", "signer": "https://b.example/users/bob",
             "copy": "origin"},
            {"parent": ROOT, "object": SOURCE, "digestMultibase": "zQmSource", "depth": 1, "verdict": "key mismatch",
             "reason": "key is not alice's", "signer": None, "copy": None},
        ],
    }
