"""Credits of a work (DESIGN §7): exact shares against a path-by-path oracle, and basis points that
always sum to exactly 10000 (hypothesis property tests)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fediverse_hit.protocol.chain_graphs import ChainError
from fediverse_hit.protocol.credits import (
    CreditNode,
    CreditsError,
    CreditSource,
    compute_credits,
    compute_exact_shares,
    round_to_basis_points,
)

ACTORS = ["alice", "bob", "carol", "dave", "erin"]


def cite(node: str, weight: int, *authors: str) -> CreditSource:
    return CreditSource(node, weight, authors or ("nobody",))


def split_10000(draw: st.DrawFn, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, 10000])]


@st.composite
def dags(draw: st.DrawFn, max_nodes: int = 8) -> dict[str, CreditNode]:
    """Random DAGs rooted at "n0": node i cites only nodes after it, so no cycle is possible."""
    count = draw(st.integers(1, max_nodes))
    nodes = {}
    for index in range(count):
        later = [f"n{j}" for j in range(index + 1, count)] + [f"gone{index}"]  # gone: not in the graph
        cited = draw(st.lists(st.sampled_from(later), unique=True, max_size=4))
        weights = split_10000(draw, len(cited)) if cited else []
        authors = tuple(draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=3)))
        nodes[f"n{index}"] = CreditNode(
            authors,
            draw(st.integers(0, 10000)),
            tuple(CreditSource(node, weight, tuple(draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=2))))
                  for node, weight in zip(cited, weights)),
        )
    return nodes


def oracle(nodes: dict[str, CreditNode], key: str = "n0", value: Fraction = Fraction(1)) -> dict[str, Fraction]:
    """Shares by walking every path separately (exponential, independent of the real algorithm)."""
    if key not in nodes:  # an unavailable source: its pinned authors share what reaches it
        return {}
    node = nodes[key]
    passed = value * Fraction(node.upstream_share, 10000) if node.sources else Fraction(0)
    shares: dict[str, Fraction] = {}
    for author in node.authors:
        shares[author] = shares.get(author, Fraction(0)) + (value - passed) / len(node.authors)
    for source in node.sources:
        part = passed * Fraction(source.weight, 10000)
        if source.node in nodes:
            reached = list(oracle(nodes, source.node, part).items())
        else:
            reached = [(author, part / len(source.authors)) for author in source.authors]
        for actor, share in reached:
            shares[actor] = shares.get(actor, Fraction(0)) + share
    return shares


@given(dags())
@settings(max_examples=100, deadline=None)
def test_exact_shares_equal_the_sum_over_every_path(nodes: dict[str, CreditNode]) -> None:
    assert compute_exact_shares("n0", nodes) == oracle(nodes)


@given(dags(max_nodes=15))
@settings(max_examples=100, deadline=None)
def test_credits_sum_to_exactly_10000(nodes: dict[str, CreditNode]) -> None:
    credits = compute_credits("n0", nodes)
    assert sum(credits.values()) == 10000
    assert min(credits.values()) >= 0


@given(dags(max_nodes=10))
@settings(max_examples=100, deadline=None)
def test_rounding_moves_no_actor_by_a_whole_point(nodes: dict[str, CreditNode]) -> None:
    exact = compute_exact_shares("n0", nodes)
    for actor, points in round_to_basis_points(exact).items():
        assert abs(points - exact[actor] * 10000) < 1


@given(st.integers(0, 10000), st.data())
def test_one_remix_pays_its_weights_times_its_upstream_share(upstream: int, data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 5))
    weights = split_10000(data.draw, count)
    leaves = {f"s{i}": CreditNode((ACTORS[i],)) for i in range(count)}
    root = CreditNode(("root",), upstream, tuple(cite(f"s{i}", w) for i, w in enumerate(weights)))
    exact = compute_exact_shares("r", {"r": root, **leaves})
    assert exact["root"] == 1 - Fraction(upstream, 10000)
    for index, weight in enumerate(weights):
        assert exact[ACTORS[index]] == Fraction(upstream, 10000) * Fraction(weight, 10000)


def test_source_reached_twice_counts_twice() -> None:
    nodes = {
        "work": CreditNode(("alice",), 5000, (cite("left", 5000), cite("right", 5000))),
        "left": CreditNode(("bob",), 5000, (cite("base", 10000),)),
        "right": CreditNode(("carol",), 5000, (cite("base", 10000),)),
        "base": CreditNode(("dave",)),
    }
    assert compute_exact_shares("work", nodes) == {
        "alice": Fraction(1, 2), "bob": Fraction(1, 8), "carol": Fraction(1, 8), "dave": Fraction(1, 4),
    }
    assert compute_credits("work", nodes) == {"alice": 5000, "bob": 1250, "carol": 1250, "dave": 2500}


def test_unavailable_source_pays_its_pinned_authors() -> None:
    nodes = {"work": CreditNode(("alice",), 4000, (cite("gone", 10000, "bob", "carol"),))}
    assert compute_credits("work", nodes) == {"alice": 6000, "bob": 2000, "carol": 2000}


def test_ties_go_to_the_first_actor_id() -> None:
    nodes = {"work": CreditNode(("carol", "alice", "bob"))}
    assert compute_credits("work", nodes) == {"alice": 3334, "bob": 3333, "carol": 3333}


def test_deep_chain_halves_down_to_the_original() -> None:
    depth = 1000
    nodes = {f"n{i}": CreditNode((f"a{i}",), 5000, (cite(f"n{i + 1}", 10000),)) for i in range(depth)}
    nodes[f"n{depth}"] = CreditNode((f"a{depth}",))
    exact = compute_exact_shares("n0", nodes)
    assert exact["a0"] == Fraction(1, 2) and exact[f"a{depth}"] == Fraction(1, 2 ** depth)
    credits = compute_credits("n0", nodes)
    assert sum(credits.values()) == 10000 and credits["a0"] == 5000 and credits["a1"] == 2500


def test_wide_work_of_a_thousand_equal_sources() -> None:
    sources = tuple(cite(f"s{i}", 10) for i in range(1000))
    nodes = {"work": CreditNode(("curator",), 5000, sources)}
    nodes.update({f"s{i}": CreditNode((f"a{i:04}",)) for i in range(1000)})
    credits = compute_credits("work", nodes)
    assert credits["curator"] == 5000 and sum(credits.values()) == 10000
    assert {credits[f"a{i:04}"] for i in range(1000)} == {5}


def test_weights_not_summing_to_10000_are_refused() -> None:
    nodes = {"work": CreditNode(("alice",), 5000, (cite("a", 6000), cite("b", 3000)))}
    with pytest.raises(CreditsError, match="sum to 9000"):
        compute_credits("work", nodes)


def test_cycle_is_refused() -> None:
    nodes = {"a": CreditNode(("alice",), 5000, (cite("b", 10000),)),
             "b": CreditNode(("bob",), 5000, (cite("a", 10000),))}
    with pytest.raises(ChainError, match="cycle"):
        compute_credits("a", nodes)


def test_rounding_refuses_shares_not_summing_to_one() -> None:
    with pytest.raises(CreditsError, match="exactly 1"):
        round_to_basis_points({"alice": Fraction(1, 2)})


@given(st.lists(st.integers(0, 10000), min_size=1, max_size=300), st.integers(1, 50))
@settings(max_examples=50, deadline=None)
def test_deep_and_wide_graphs_pay_the_product_of_shares(upstreams: list[int], width: int) -> None:
    """A chain of remixes (random upstream shares) whose last link cites `width` equal originals."""
    depth = len(upstreams)
    nodes = {f"n{i}": CreditNode((f"a{i}",), upstreams[i], (cite(f"n{i + 1}", 10000),)) for i in range(depth - 1)}
    weights = [10000 // width + (1 if i < 10000 % width else 0) for i in range(width)]
    nodes[f"n{depth - 1}"] = CreditNode(
        (f"a{depth - 1}",), upstreams[-1], tuple(cite(f"o{i}", weights[i]) for i in range(width))
    )
    nodes.update({f"o{i}": CreditNode((f"original{i}",)) for i in range(width)})
    exact = compute_exact_shares("n0", nodes)
    reaching_last = Fraction(1)
    for upstream in upstreams:
        reaching_last *= Fraction(upstream, 10000)
    assert sum(exact[f"original{i}"] for i in range(width)) == reaching_last
    assert sum(compute_credits("n0", nodes).values()) == 10000
