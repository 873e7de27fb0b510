"""Properties of the payment documents a project publishes (issue 17 item 9), for any credit DAG,
amount, costs, currency and adjustments: what a reader on any server recomputes from a proposal or
statement gives lines that sum to exactly the pool, none negative, in the one currency of the
earning, the same lines whatever order the credits are listed in; a line in another currency is
refused."""

from __future__ import annotations

import copy
import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from fediverse_hit.protocol.credits import CreditNode, compute_exact_shares
from fediverse_hit.protocol.currencies import MINOR_UNIT_DIGITS
from fediverse_hit.protocol.payment_documents import (
    PaymentKind,
    PaymentShapeError,
    PaymentTerms,
    build_payment_document,
    parse_payment_document,
)
from fediverse_hit.protocol.payments import MAX_AMOUNT, Adjustment, Earning, PaymentError, compute_lines
from tests.protocol.test_credits import dags

PROJECT = "https://a.example/projects/mural"
CURRENCIES = sorted(MINOR_UNIT_DIGITS)


def _iri(actor: str) -> str:
    return f"https://b.example/users/{actor}"


def _terms(nodes: dict[str, CreditNode], amount: int, costs: int, currency: str, pool_share: int) -> PaymentTerms:
    shares = {_iri(actor): share for actor, share in compute_exact_shares("n0", nodes).items()}
    return PaymentTerms(PROJECT, f"{PROJECT}/works/1", Earning(amount, costs, currency), "", date(2026, 12, 1), pool_share, shares)


def _statement(terms: PaymentTerms) -> dict[str, object]:
    return build_payment_document(PaymentKind.STATEMENT, f"{PROJECT}/payments/1/statement", terms,
                                  published="2026-12-06T05:00:00Z", proposal=f"{PROJECT}/payments/1")


@given(dags(max_nodes=8), st.integers(0, MAX_AMOUNT), st.integers(0, MAX_AMOUNT), st.sampled_from(CURRENCIES),
       st.integers(0, 10000), st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(1, 10**6)), max_size=4))
@settings(max_examples=120, deadline=None)
def test_a_statement_read_anywhere_sums_to_its_pool_in_one_currency(
    nodes: dict[str, CreditNode], amount: int, costs: int, currency: str, pool_share: int,
    moves: list[tuple[int, int, int]],
) -> None:
    terms = _terms(nodes, amount, costs, currency, pool_share)
    actors = sorted(terms.shares)
    adjustments = tuple(Adjustment(actors[a % len(actors)], actors[b % len(actors)], n, "a reason") for a, b, n in moves)
    try:
        compute_lines(terms.earning, pool_share, terms.shares, adjustments)
        terms = PaymentTerms(**{**terms.__dict__, "adjustments": adjustments})
    except PaymentError:
        pass  # a refused adjustment is never published: the terms stay without them
    document = _statement(terms)
    read = parse_payment_document(document, PaymentKind.STATEMENT)
    assert read.pool == max(0, amount - costs) * pool_share // 10000 == document["fhit:pool"]
    assert sum(read.lines.values()) == read.pool
    assert min(read.lines.values()) >= 0
    assert document["fhit:currency"] == document["fhit:earning"]["fhit:currency"] == currency  # type: ignore[index]


@given(dags(max_nodes=8), st.integers(0, 10**9), st.sampled_from(CURRENCIES), st.randoms(use_true_random=False))
@settings(max_examples=80, deadline=None)
def test_the_same_statement_gives_the_same_lines_whatever_the_order_of_its_credits(
    nodes: dict[str, CreditNode], amount: int, currency: str, shuffler: random.Random
) -> None:
    document = _statement(_terms(nodes, amount, 0, currency, 5000))
    reordered = copy.deepcopy(document)
    shuffler.shuffle(reordered["fhit:credits"]["orderedItems"])  # type: ignore[index]
    shuffler.shuffle(reordered["fhit:lines"])  # type: ignore[arg-type]
    first = parse_payment_document(document, PaymentKind.STATEMENT)
    second = parse_payment_document(reordered, PaymentKind.STATEMENT)
    assert first.lines == second.lines


@given(dags(max_nodes=6), st.integers(1, 10**9), st.sampled_from(CURRENCIES), st.sampled_from(CURRENCIES))
@settings(max_examples=60, deadline=None)
def test_a_line_in_another_currency_is_refused(
    nodes: dict[str, CreditNode], amount: int, currency: str, other: str
) -> None:
    if other == currency:
        return
    document = _statement(_terms(nodes, amount, 0, currency, 5000))
    document["fhit:lines"][0]["fhit:currency"] = other  # type: ignore[index]
    try:
        parse_payment_document(document, PaymentKind.STATEMENT)
    except PaymentShapeError as exc:
        assert "currencies are never mixed" in str(exc)
    else:
        raise AssertionError("a line in another currency was accepted")
