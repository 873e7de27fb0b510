"""ISO 4217 currencies a payment may be in, their minor units, and amounts written for people.

The table is ISO 4217 list one (the codes in current use, as the maintenance agency SIX publishes
it) without the fund, precious-metal, testing and "no currency" codes (BOV, CLF, XAU, XTS, XXX…),
which no project pays anyone in. The digits say how many minor units make a major one (JPY 0,
EUR 2, KWD 3); amounts everywhere else are integers of minor units (CONVENTIONS §11).
"""

from __future__ import annotations

import re

MINOR_UNIT_DIGITS: dict[str, int] = {
    **dict.fromkeys(
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN "
        "BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS "
        "GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR "
        "LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD "
        "PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN "
        "SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR "
        "ZMW ZWG".split(),
        2,
    ),
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}

_CODE = re.compile(r"[A-Z]{3}")


class CurrencyError(ValueError):
    """A currency code that is not an ISO 4217 currency we accept; the message says which."""


def check_currency(code: object) -> str:
    """`code` itself when it is an ISO 4217 currency in `MINOR_UNIT_DIGITS` (upper case, as the
    standard writes it); CurrencyError otherwise."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise CurrencyError(f"currency must be a three-letter ISO 4217 code in capitals, not {code!r:.40}")
    if code not in MINOR_UNIT_DIGITS:
        raise CurrencyError(f"{code} is not an ISO 4217 currency we accept")
    return code


def format_amount(minor_units: int, currency: str) -> str:
    """An amount for people: `1234, "EUR"` → `"12.34 EUR"`, `500, "JPY"` → `"500 JPY"`, with the
    digits the currency has and no rounding (the value is exact)."""
    digits = MINOR_UNIT_DIGITS[check_currency(currency)]
    sign = "-" if minor_units < 0 else ""
    major, minor = divmod(abs(minor_units), 10**digits)
    grouped = f"{major:,}"
    return f"{sign}{grouped}.{minor:0{digits}d} {currency}" if digits else f"{sign}{grouped} {currency}"
