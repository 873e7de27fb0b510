"""Licence rules for remixes, checked against tables copied from Creative Commons' own guidance:
the adapter's-licence rules of the 4.0 legal codes (§3(b)) and CC's remix compatibility chart
(https://creativecommons.org/faq/#can-i-combine-material-under-different-creative-commons-licenses-in-my-work)."""

from __future__ import annotations

import pytest

from fediverse_hit.protocol.licenses import LICENSES, License, license_by_code
from fediverse_hit.protocol.remix_licences import (
    RemixLicenceError,
    SourceLicence,
    check_remix_licence,
    combined_remix_licences,
)

CODES = ["cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nd-4.0",
         "cc-by-nc-nd-4.0", "cc0-1.0"]

# One source: may a remix of a source under the row's licence carry the column's? (Y/-), columns in
# CODES order. The last row is a source that states no licence (a Mastodon post).
ONE_SOURCE = {
    "cc-by-4.0":       "Y Y Y Y Y Y Y",
    "cc-by-sa-4.0":    "- Y - - - - -",
    "cc-by-nc-4.0":    "- - Y Y - Y -",
    "cc-by-nc-sa-4.0": "- - - Y - - -",
    "cc-by-nd-4.0":    "- - - - - - -",
    "cc-by-nc-nd-4.0": "- - - - - - -",
    "cc0-1.0":         "Y Y Y Y Y Y Y",
    None:              "Y Y Y Y Y Y Y",
}

# CC's chart: may works under the two licences be combined into one remix at all? (Y/-)
CC_CHART = {
    "cc-by-4.0":       "Y Y Y Y - - Y",
    "cc-by-sa-4.0":    "Y Y - - - - Y",
    "cc-by-nc-4.0":    "Y - Y Y - - Y",
    "cc-by-nc-sa-4.0": "Y - Y Y - - Y",
    "cc-by-nd-4.0":    "- - - - - - -",
    "cc-by-nc-nd-4.0": "- - - - - - -",
    "cc0-1.0":         "Y Y Y Y - - Y",
}


def licence(code: str) -> License:
    found = license_by_code(code)
    assert found is not None
    return found


def source(code: str | None, number: int = 1) -> SourceLicence:
    iri = licence(code).iri if code else None
    return SourceLicence(f"https://b.example/contributions/{number}", iri)


def test_tables_cover_every_licence_we_offer() -> None:
    assert CODES == [license.code for license in LICENSES]


@pytest.mark.parametrize(
    ("source_code", "remix_code"),
    [(row, column) for row in ONE_SOURCE for column in CODES],
)
def test_one_source_matrix(source_code: str | None, remix_code: str) -> None:
    allowed = ONE_SOURCE[source_code].split()[CODES.index(remix_code)] == "Y"
    if allowed:
        check_remix_licence(licence(remix_code), [source(source_code)])
    else:
        with pytest.raises(RemixLicenceError) as refused:
            check_remix_licence(licence(remix_code), [source(source_code)])
        assert refused.value.source_id == "https://b.example/contributions/1"
        assert licence(str(source_code)).name in refused.value.reason


@pytest.mark.parametrize(("first", "second"), [(row, column) for row in CC_CHART for column in CODES])
def test_two_sources_follow_cc_chart(first: str, second: str) -> None:
    combinable = CC_CHART[first].split()[CODES.index(second)] == "Y"
    assert bool(combined_remix_licences([source(first, 1), source(second, 2)])) is combinable


def test_no_derivatives_refusal_names_source_and_licence() -> None:
    with pytest.raises(RemixLicenceError) as refused:
        check_remix_licence(licence("cc-by-4.0"), [source("cc-by-4.0", 1), source("cc-by-nd-4.0", 2)])
    assert refused.value.reason == (
        "source https://b.example/contributions/2 is under CC BY-ND 4.0, which forbids "
        "derivatives (NoDerivatives)"
    )


def test_share_alike_and_nc_share_alike_sources_cannot_be_combined() -> None:
    sources = [source("cc-by-sa-4.0", 1), source("cc-by-nc-sa-4.0", 2)]
    assert combined_remix_licences(sources) == ()
    with pytest.raises(RemixLicenceError) as refused:
        check_remix_licence(licence("cc-by-sa-4.0"), sources)
    assert refused.value.reason == (
        "source https://b.example/contributions/2 (CC BY-NC-SA 4.0) and source "
        "https://b.example/contributions/1 (CC BY-SA 4.0) cannot be combined: no licence satisfies both"
    )


def test_share_alike_refusal_says_which_licence_is_required() -> None:
    with pytest.raises(RemixLicenceError, match="requires the remix to be CC BY-SA 4.0, not CC BY 4.0"):
        check_remix_licence(licence("cc-by-4.0"), [source("cc-by-sa-4.0")])


def test_non_commercial_travels_to_the_remix() -> None:
    with pytest.raises(RemixLicenceError, match="must be NonCommercial too"):
        check_remix_licence(licence("cc-by-sa-4.0"), [source("cc-by-nc-4.0")])
    assert [l.code for l in combined_remix_licences([source("cc-by-nc-4.0"), source("cc-by-4.0", 2)])] == [
        "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0",
    ]


def test_nc_and_nc_share_alike_sources_combine_only_as_nc_share_alike() -> None:
    sources = [source("cc-by-nc-4.0", 1), source("cc-by-nc-sa-4.0", 2)]
    assert [l.code for l in combined_remix_licences(sources)] == ["cc-by-nc-sa-4.0"]


def test_unknown_licence_is_refused_rather_than_guessed() -> None:
    """Hostile input: a licence IRI we have no rules for (an older CC version)."""
    unknown = SourceLicence("https://b.example/contributions/1", "https://creativecommons.org/licenses/by-nd/3.0/")
    with pytest.raises(RemixLicenceError, match="not one whose remix rules we know"):
        check_remix_licence(licence("cc-by-4.0"), [unknown])
