"""Payment arithmetic (DESIGN §7): the pool, lines by largest remainder summing to exactly the pool,
adjustments, caps, currencies never mixed; hypothesis property tests over random credit DAGs."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fediverse_hit.protocol.credits import CreditNode, compute_exact_shares
from fediverse_hit.protocol.currencies import CurrencyError, check_currency, format_amount
from fediverse_hit.protocol.payments import (
    MAX_AMOUNT,
    Adjustment,
    Earning,
    Money,
    PaymentError,
    apply_adjustments,
    build_earning,
    compute_lines,
    compute_pool,
    split_pool,
    total_by_currency,
)
from tests.protocol.test_credits import dags

HALF_AND_EIGHTHS = {"alice": Fraction(1, 2), "bob": Fraction(3, 8), "carol": Fraction(1, 8)}


def test_pool_is_the_floor_of_profit_times_the_pool_share() -> None:
    assert compute_pool(Earning(10_000, 1_000, "EUR"), 5000) == 4500
    assert compute_pool(Earning(999, 0, "EUR"), 5000) == 499
    assert compute_pool(Earning(999, 0, "EUR"), 3333) == 332  # 332.9667 floored


def test_costs_above_the_amount_leave_an_empty_pool_not_a_negative_one() -> None:
    earning = Earning(1_000, 5_000, "USD")
    assert earning.profit == 0
    assert compute_lines(earning, 5000, HALF_AND_EIGHTHS) == (0, {"alice": 0, "bob": 0, "carol": 0})


def test_half_minor_units_go_to_the_smaller_actor_id() -> None:
    # 4500 × (1/2, 3/8, 1/8) = 2250, 1687.5, 562.5: one unit left, bob and carol tie at 1/2.
    assert split_pool(4500, HALF_AND_EIGHTHS) == {"alice": 2250, "bob": 1688, "carol": 562}


def test_largest_remainder_wins_before_actor_id() -> None:
    shares = {"alice": Fraction(1, 10), "bob": Fraction(3, 10), "zoe": Fraction(6, 10)}
    # 7 × shares = 0.7, 2.1, 4.2: floors 0, 2, 4 leave 1 unit, which goes to alice's 0.7.
    assert split_pool(7, shares) == {"alice": 1, "bob": 2, "zoe": 4}


def test_three_equal_thirds_of_a_hundred() -> None:
    thirds = {"carol": Fraction(1, 3), "alice": Fraction(1, 3), "bob": Fraction(1, 3)}
    assert split_pool(100, thirds) == {"alice": 34, "bob": 33, "carol": 33}


def test_shares_not_summing_to_one_are_refused() -> None:
    with pytest.raises(PaymentError, match="sum to exactly 1"):
        split_pool(100, {"alice": Fraction(1, 2)})
    with pytest.raises(PaymentError, match="must not be negative"):
        split_pool(100, {"alice": Fraction(3, 2), "bob": Fraction(-1, 2)})


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-1, "amount must not be negative"),
        (12.5, "amount must be a whole number of minor units, not 12.5"),
        ("100", "amount must be a whole number of minor units, not '100'"),
        (True, "amount must be a whole number of minor units, not True"),
        (MAX_AMOUNT + 1, "amount must be at most 1,000,000,000,000 minor units"),
    ],
)
def test_bad_amounts_are_refused_with_the_cap_said(amount: object, message: str) -> None:
    with pytest.raises(PaymentError) as refused:
        build_earning(amount, 0, "EUR")
    assert str(refused.value) == message


def test_the_cap_itself_is_accepted() -> None:
    assert build_earning(MAX_AMOUNT, MAX_AMOUNT, "EUR") == Earning(MAX_AMOUNT, MAX_AMOUNT, "EUR")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ABC", "ABC is not an ISO 4217 currency we accept"),
        ("XAU", "XAU is not an ISO 4217 currency we accept"),  # gold: not money a project pays in
        ("eur", "currency must be a three-letter ISO 4217 code in capitals, not 'eur'"),
        (978, "currency must be a three-letter ISO 4217 code in capitals, not 978"),
    ],
)
def test_unknown_currencies_are_refused(code: object, message: str) -> None:
    with pytest.raises(CurrencyError) as refused:
        check_currency(code)
    assert str(refused.value) == message
    with pytest.raises(PaymentError):
        build_earning(100, 0, code)


def test_amounts_are_written_with_the_currency_digits() -> None:
    assert format_amount(123456, "EUR") == "1,234.56 EUR"
    assert format_amount(5, "USD") == "0.05 USD"
    assert format_amount(500, "JPY") == "500 JPY"
    assert format_amount(1234, "KWD") == "1.234 KWD"


def test_currencies_are_never_added_together() -> None:
    assert Money(5, "EUR") + Money(7, "EUR") == Money(12, "EUR")
    with pytest.raises(CurrencyError, match="cannot add USD to EUR"):
        Money(5, "EUR") + Money(7, "USD")
    totals = total_by_currency([Money(5, "USD"), Money(2, "EUR"), Money(7, "USD")])
    assert totals == {"EUR": 2, "USD": 12}


def test_adjustment_moves_an_amount_with_its_reason() -> None:
    lines = {"alice": 2250, "bob": 1688, "carol": 562}
    moved = apply_adjustments(lines, [Adjustment("alice", "carol", 250, "carol mixed the final track")])
    assert moved == {"alice": 2000, "bob": 1688, "carol": 812}
    assert lines["alice"] == 2250  # the input is not changed


def test_adjustment_can_pay_someone_the_credits_missed() -> None:
    moved = apply_adjustments({"alice": 100}, [Adjustment("alice", "dave", 10, "dave lent the studio")])
    assert moved == {"alice": 90, "dave": 10}


@pytest.mark.parametrize(
    ("adjustment", "message"),
    [
        (Adjustment("alice", "bob", 101, "too much"), "adjustment 1 moves 101 from alice, whose line is 100"),
        (Adjustment("alice", "bob", 0, "nothing"), "adjustment 1 moves nothing"),
        (Adjustment("alice", "bob", -5, "backwards"), "adjustment 1 amount must not be negative"),
        (Adjustment("alice", "alice", 5, "self"), "adjustment 1 moves an amount from alice to themselves"),
        (Adjustment("alice", "bob", 5, "  "), "adjustment 1 needs a reason"),
        (Adjustment("alice", "bob", 5, "x" * 501), "adjustment 1: the reason must be at most 500 characters"),
    ],
)
def test_bad_adjustments_are_refused(adjustment: Adjustment, message: str) -> None:
    with pytest.raises(PaymentError) as refused:
        apply_adjustments({"alice": 100, "bob": 0}, [adjustment])
    assert str(refused.value) == message


@given(dags(max_nodes=10), st.integers(0, MAX_AMOUNT), st.integers(0, MAX_AMOUNT), st.integers(0, 10000))
@settings(max_examples=150, deadline=None)
def test_lines_sum_to_exactly_the_pool_and_none_is_negative(
    nodes: dict[str, CreditNode], amount: int, costs: int, pool_share: int
) -> None:
    shares = compute_exact_shares("n0", nodes)
    pool, lines = compute_lines(Earning(amount, costs, "EUR"), pool_share, shares)
    assert pool == max(0, amount - costs) * pool_share // 10000
    assert sum(lines.values()) == pool
    assert min(lines.values()) >= 0
    assert set(lines) == set(shares)
    for actor, line in lines.items():
        assert abs(line - shares[actor] * pool) < 1  # rounding never moves a line by a whole unit


@given(dags(max_nodes=8), st.integers(0, 10**9), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_the_same_inputs_give_the_same_lines_on_every_server(
    nodes: dict[str, CreditNode], pool: int, shuffler: random.Random
) -> None:
    shares = compute_exact_shares("n0", nodes)
    reordered = list(shares.items())
    shuffler.shuffle(reordered)  # another server may hold the credits in any order
    assert split_pool(pool, dict(reordered)) == split_pool(pool, shares)


@given(st.integers(0, 10**6), st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 10**6)), max_size=8))
@settings(max_examples=150, deadline=None)
def test_adjustments_keep_the_sum_or_are_refused_whole(pool: int, moves: list[tuple[int, int, int]]) -> None:
    actors = ["alice", "bob", "carol", "dave"]
    lines = split_pool(pool, {"alice": Fraction(1, 2), "bob": Fraction(1, 3), "carol": Fraction(1, 6)})
    adjustments = [Adjustment(actors[a], actors[b], amount, "a reason") for a, b, amount in moves]
    try:
        adjusted = apply_adjustments(lines, adjustments)
    except PaymentError:
        return
    assert sum(adjusted.values()) == pool
    assert min(adjusted.values()) >= 0
