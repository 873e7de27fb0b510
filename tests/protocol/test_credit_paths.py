"""Credits explained: each actor's paths through a work's graph, against a hand-computed table,
and (hypothesis) summing to exactly the share protocol/credits.py computes on any small DAG."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from fediverse_hit.protocol.credit_documents import CreditsVersion, build_credits_document, read_credit_shares
from fediverse_hit.protocol.credit_paths import MAX_LISTED_PATHS, CreditStep, explain_credits
from fediverse_hit.protocol.credits import CreditNode, CreditSource, compute_exact_shares

# W (curators c1, c2; upstream 60 %) cites R (70 %) and P (30 %); R (bo, upstream 50 %) cites P
# (ada, no sources) and an unavailable source U (cy) at 20 %.
GRAPH = {
    "W": CreditNode(("c1", "c2"), 6000, (CreditSource("R", 7000, ("bo",)), CreditSource("P", 3000, ("ada",)))),
    "R": CreditNode(("bo",), 5000, (CreditSource("P", 8000, ("ada",)), CreditSource("U", 2000, ("cy",)))),
    "P": CreditNode(("ada",)),
}


def test_shares_by_hand() -> None:
    # c1, c2: 40 % / 2. bo: 42 % × 50 %. ada: 18 % + 42 % × 50 % × 80 %. cy: 42 % × 50 % × 20 %.
    assert compute_exact_shares("W", GRAPH) == {
        "c1": Fraction(1, 5), "c2": Fraction(1, 5), "bo": Fraction(21, 100),
        "ada": Fraction(18, 100) + Fraction(168, 1000), "cy": Fraction(42, 1000),
    }


def test_a_source_reached_twice_has_both_paths_explained() -> None:
    ada = explain_credits("W", GRAPH)["ada"]
    assert ada.path_count == 2
    assert [(path.steps, path.node, path.kept, path.share) for path in ada.paths] == [
        ((CreditStep("W", 6000, 7000), CreditStep("R", 5000, 8000)), "P", 10000, Fraction(168, 1000)),
        ((CreditStep("W", 6000, 3000),), "P", 10000, Fraction(18, 100)),
    ]
    assert ada.nodes == ("P",)


def test_curators_split_what_the_work_keeps_and_an_unavailable_source_goes_to_its_pinned_author() -> None:
    explained = explain_credits("W", GRAPH)
    [c1] = explained["c1"].paths
    assert (c1.steps, c1.node, c1.kept, c1.author_count, c1.share) == ((), "W", 4000, 2, Fraction(1, 5))
    [cy] = explained["cy"].paths
    assert (cy.node, cy.kept, cy.share) == ("U", 10000, Fraction(42, 1000))


def test_the_document_states_paths_and_shares_a_reader_checks() -> None:
    shares = compute_exact_shares("W", GRAPH)
    spec = CreditsVersion(
        "https://a.example/projects/m/credits/1/versions/1", "https://a.example/projects/m", "https://a.example/c/1",
        "zDigest", 1, "2025-01-01T00:00:00Z", shares, explain_credits("W", GRAPH), ("c1", "c2"),
        {"W": "https://a.example/c/1", "R": "https://b.example/c/2", "P": "https://b.example/c/3", "U": "https://c.example/4"},
    )
    document = build_credits_document(spec)
    assert read_credit_shares(document) == shares
    assert [(item["actor"], item["fhit:share"], item["fhit:role"]) for item in document["orderedItems"]] == [
        ("ada", 3480, "contributor"), ("bo", 2100, "contributor"), ("c1", 2000, "curator"), ("c2", 2000, "curator"),
        ("cy", 420, "contributor"),
    ]
    ada = document["orderedItems"][0]
    assert ada["fhit:contributions"] == ["https://b.example/c/3"]
    assert ada["fhit:paths"][1] == {
        "type": "fhit:CreditPath", "fhit:steps": [{"object": "https://a.example/c/1", "fhit:upstreamShare": 6000, "fhit:weight": 3000}],
        "object": "https://b.example/c/3", "fhit:kept": 10000, "fhit:authorCount": 1, "fhit:exactShare": "9/50",
    }


@st.composite
def _dags(draw: st.DrawFn) -> dict[str, CreditNode]:
    """Up to 6 nodes n0..n5, each citing only higher-numbered ones (or a missing node), with
    one to three authors out of four."""
    size = draw(st.integers(1, 6))
    nodes = {}
    for index in range(size):
        authors = tuple(sorted(draw(st.sets(st.sampled_from("abcd"), min_size=1, max_size=3))))
        targets = draw(st.lists(st.sampled_from([f"n{j}" for j in range(index + 1, size)] + ["gone"]), unique=True, max_size=3))
        weights = [10000 // len(targets)] * len(targets) if targets else []
        if targets:
            weights[0] += 10000 - sum(weights)
        sources = tuple(CreditSource(t, w, ("e",)) for t, w in zip(targets, weights, strict=True))
        nodes[f"n{index}"] = CreditNode(authors, draw(st.integers(0, 10000)), sources)
    return nodes


@settings(max_examples=200, deadline=None)
@given(_dags())
def test_paths_sum_to_each_actors_exact_share(nodes: dict[str, CreditNode]) -> None:
    shares = compute_exact_shares("n0", nodes)
    for actor, explained in explain_credits("n0", nodes).items():
        if explained.path_count <= MAX_LISTED_PATHS:
            assert sum((path.share for path in explained.paths), Fraction(0)) == shares[actor]
    assert {actor for actor, share in shares.items() if share} <= set(explain_credits("n0", nodes))
