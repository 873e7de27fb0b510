"""The licence catalog: Creative Commons 4.0 deeds and CC0, looked up by code and by deed IRI."""

from __future__ import annotations

import pytest

from fediverse_hit.protocol.licenses import (
    DEFAULT_LICENSE_CODE,
    LICENSES,
    license_by_code,
    license_by_iri,
)


def test_catalog_has_the_six_cc_4_deeds_and_cc0() -> None:
    assert [license.code for license in LICENSES] == [
        "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0",
        "cc-by-nd-4.0", "cc-by-nc-nd-4.0", "cc0-1.0",
    ]


def test_known_deed_iris_and_names() -> None:
    by_sa = license_by_code("cc-by-sa-4.0")
    assert by_sa is not None
    assert by_sa.iri == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert by_sa.name == "CC BY-SA 4.0"
    cc0 = license_by_code("cc0-1.0")
    assert cc0 is not None and cc0.iri == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_only_no_derivatives_deeds_forbid_remixing() -> None:
    assert {license.code for license in LICENSES if not license.permits_remix} == {
        "cc-by-nd-4.0", "cc-by-nc-nd-4.0",
    }


def test_default_licence_lets_anyone_remix() -> None:
    default = license_by_code(DEFAULT_LICENSE_CODE)
    assert default is not None and default.permits_remix


@pytest.mark.parametrize(
    "iri",
    [
        "https://creativecommons.org/licenses/by-nc/4.0/",
        "http://creativecommons.org/licenses/by-nc/4.0/",
        "https://creativecommons.org/licenses/by-nc/4.0",
        "https://creativecommons.org/licenses/by-nc/4.0/legalcode",
        "https://creativecommons.org/licenses/by-nc/4.0/legalcode.de",
        "https://creativecommons.org/licenses/by-nc/4.0/deed.fr",
        "HTTPS://CreativeCommons.org/licenses/BY-NC/4.0/",
    ],
)
def test_deed_iri_variants_peers_write_are_recognised(iri: str) -> None:
    found = license_by_iri(iri)
    assert found is not None and found.code == "cc-by-nc-4.0"


@pytest.mark.parametrize(
    "iri",
    [
        "https://creativecommons.org/licenses/by-nc/3.0/",  # an older version is another licence
        "https://creativecommons.org/licenses/by-nc/4.0.evil.example/",
        "https://evil.example/licenses/by/4.0/",
        "ftp://creativecommons.org/licenses/by/4.0/",
        "creativecommons.org/licenses/by/4.0/",
        "",
    ],
)
def test_lookalike_or_unknown_iris_are_not_recognised(iri: str) -> None:
    assert license_by_iri(iri) is None


def test_unknown_code_is_none() -> None:
    assert license_by_code("cc-by-4.0-evil") is None
    assert license_by_code(" CC-BY-4.0 ") == license_by_code("cc-by-4.0")
