"""Payment arithmetic (DESIGN §7 Payments): an earning's contributor pool, its split into lines by
exact credit shares, curators' adjustments. Pure: integers and fractions in, integers out.

Money is integer minor units of one ISO 4217 currency (CONVENTIONS §11). The pool is
floor(profit × pool bp / 10000); the lines are the pool split by each actor's exact share
(`protocol/credits.compute_exact_shares`), rounded by largest remainder (ties by actor id,
ascending), so they sum to exactly the pool on every server that computes them. No line is ever
negative and amounts in two currencies are never added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from fediverse_hit.protocol.currencies import CurrencyError, check_currency

BASIS_POINTS = 10_000
DEFAULT_CONTRIBUTOR_POOL = 5_000  # HitRecord splits a work's profit 50/50 with its contributors
# 10^12 minor units: ten billion in a two-digit currency such as EUR, a trillion yen. Far above
# any earning a project records by hand, far below where arithmetic or JSON numbers get awkward
# (JavaScript's exact integers end at 2^53 ≈ 9 × 10^15).
MAX_AMOUNT = 10**12
MAX_REASON_CHARS = 500


class PaymentError(ValueError):
    """Amounts or shares that cannot make a payment; the message is safe to show."""


@dataclass(frozen=True)
class Money:
    """An amount in minor units of one currency; adding two currencies is refused."""

    amount: int
    currency: str

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise CurrencyError(f"cannot add {other.currency} to {self.currency}: currencies are never mixed")
        return Money(self.amount + other.amount, self.currency)


@dataclass(frozen=True)
class Earning:
    """What a work earned (`amount`) and what earning it cost (`costs`), in one currency."""

    amount: int
    costs: int
    currency: str

    @property
    def profit(self) -> int:
        """Amount less costs; never below zero (a loss leaves nothing to share, owes nobody)."""
        return max(0, self.amount - self.costs)


@dataclass(frozen=True)
class Adjustment:
    """A curator moves `amount` minor units from one actor's line to another's, saying why."""

    source: str
    target: str
    amount: int
    reason: str


def check_amount(value: object, name: str = "amount") -> int:
    """`value` when it is a whole number of minor units in 0..MAX_AMOUNT; PaymentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PaymentError(f"{name} must be a whole number of minor units, not {value!r:.40}")
    if value < 0:
        raise PaymentError(f"{name} must not be negative")
    if value > MAX_AMOUNT:
        raise PaymentError(f"{name} must be at most {MAX_AMOUNT:,} minor units")
    return value


def check_pool_share(value: object) -> int:
    """A contributor pool share in basis points, 0..10000."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BASIS_POINTS:
        raise PaymentError(f"the contributor pool must be whole basis points in 0..{BASIS_POINTS}")
    return value


def build_earning(amount: object, costs: object, currency: object) -> Earning:
    """An Earning from untrusted input, each part checked (amount caps, ISO 4217 currency)."""
    try:
        code = check_currency(currency)
    except CurrencyError as exc:
        raise PaymentError(str(exc)) from None
    return Earning(check_amount(amount, "amount"), check_amount(costs, "costs"), code)


def compute_pool(earning: Earning, pool_share: int) -> int:
    """floor(profit × pool_share / 10000) minor units."""
    return earning.profit * check_pool_share(pool_share) // BASIS_POINTS


def split_pool(pool: int, shares: Mapping[str, Fraction]) -> dict[str, int]:
    """The pool split by exact shares (summing to 1) into lines summing to exactly `pool`.

    Each actor gets the floor of its exact part; the minor units left go one each to the largest
    remainders, ties to the smaller actor id, so every server computes the same lines.
    """
    check_amount(pool, "pool")
    check_shares(shares)
    exact = {actor: divmod(share.numerator * pool, share.denominator) for actor, share in shares.items()}
    lines = {actor: whole for actor, (whole, _) in exact.items()}
    leftover = pool - sum(lines.values())
    remainders = {actor: Fraction(rest, shares[actor].denominator) for actor, (_, rest) in exact.items()}
    for actor in sorted(remainders, key=lambda actor: (-remainders[actor], actor))[:leftover]:
        lines[actor] += 1
    return lines


def check_shares(shares: Mapping[str, Fraction]) -> None:
    """Shares must be non-negative and sum to exactly 1."""
    if not shares:
        raise PaymentError("a payment needs at least one credited actor")
    if any(share < 0 for share in shares.values()):
        raise PaymentError("a credit share must not be negative")
    if sum(shares.values(), Fraction(0)) != 1:
        raise PaymentError("credit shares must sum to exactly 1")


def apply_adjustments(lines: Mapping[str, int], adjustments: Sequence[Adjustment]) -> dict[str, int]:
    """Lines after each adjustment in order; the sum never changes and no line goes negative."""
    adjusted = dict(lines)
    for index, adjustment in enumerate(adjustments, start=1):
        check_adjustment(adjustment, index)
        available = adjusted.get(adjustment.source, 0)
        if adjustment.amount > available:
            raise PaymentError(
                f"adjustment {index} moves {adjustment.amount} from {adjustment.source}, whose line is {available}"
            )
        adjusted[adjustment.source] = available - adjustment.amount
        adjusted[adjustment.target] = adjusted.get(adjustment.target, 0) + adjustment.amount
    return adjusted


def check_adjustment(adjustment: Adjustment, index: int = 1) -> None:
    """An adjustment moves a positive amount between two different actors, with a reason."""
    check_amount(adjustment.amount, f"adjustment {index} amount")
    if adjustment.amount == 0:
        raise PaymentError(f"adjustment {index} moves nothing")
    if adjustment.source == adjustment.target:
        raise PaymentError(f"adjustment {index} moves an amount from {adjustment.source} to themselves")
    reason = adjustment.reason.strip()
    if not reason:
        raise PaymentError(f"adjustment {index} needs a reason")
    if len(reason) > MAX_REASON_CHARS:
        raise PaymentError(f"adjustment {index}: the reason must be at most {MAX_REASON_CHARS} characters")


def compute_lines(
    earning: Earning, pool_share: int, shares: Mapping[str, Fraction], adjustments: Sequence[Adjustment] = ()
) -> tuple[int, dict[str, int]]:
    """(pool, lines): the pool of `earning`, split by `shares`, then adjusted."""
    pool = compute_pool(earning, pool_share)
    return pool, apply_adjustments(split_pool(pool, shares), adjustments)


def total_by_currency(amounts: Iterable[Money]) -> dict[str, int]:
    """Totals per currency (never one sum across currencies), currencies in alphabetical order."""
    totals: dict[str, Money] = {}
    for money in amounts:
        totals[money.currency] = totals.get(money.currency, Money(0, money.currency)) + money
    return {currency: totals[currency].amount for currency in sorted(totals)}
