"""What a contribution may be (`contribution_rules.check_draft`, `kind_for`, the default
licence): each limit at its edge, and the exact message an author is shown when over it."""

from __future__ import annotations

import pytest

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.protocol.licenses import LICENSES
from fediverse_hit.services.contribution_rules import (
    Draft,
    check_draft,
    default_license,
    kind_for,
    license_choices,
    set_default_license,
)
from fediverse_hit.store.instance_settings import write_setting
from tests.services.rules_support import BY, BY_ND


def _refusal(draft: Draft) -> str:
    with pytest.raises(ValidationFailed) as refused:
        check_draft(draft)
    return str(refused.value.message)


def test_a_draft_of_blanks_only_is_refused_but_a_title_text_or_file_alone_is_enough() -> None:
    assert _refusal(Draft(title="  ", source=" \n")) == "A contribution needs a title, some text or a file."
    check_draft(Draft(title="Title", source=""))
    check_draft(Draft(title="", source="Some text"))
    check_draft(Draft(title="", source="", media_ids=(1,)))


def test_title_text_and_content_warning_are_accepted_up_to_their_limits_and_refused_beyond() -> None:
    check_draft(Draft(title="t" * 200, source="s" * 20_000, summary="w" * 500))
    assert _refusal(Draft(title="t" * 201, source="")) == "The title is too long: at most 200 characters."
    assert _refusal(Draft(title="t", source="s" * 20_001)) == "The text is too long: at most 20000 characters."
    assert _refusal(Draft(title="t", source="", summary="w" * 501)) == (
        "The content warning is too long: at most 500 characters."
    )


def test_an_unknown_kind_or_visibility_is_refused_with_the_choices() -> None:
    check_draft(Draft(title="t", source="", kind="image", visibility="direct"))
    assert _refusal(Draft(title="t", source="", kind="poem")) == "Kind must be one of text, image, audio, video, mixed."
    assert _refusal(Draft(title="t", source="", visibility="secret")) == (
        "Visibility must be one of public, unlisted, followers, direct."
    )


def test_language_must_be_a_language_tag() -> None:
    for tag in ("", "en", "pt-BR", "zh-Hant"):
        check_draft(Draft(title="t", source="", language=tag))
    for hostile in ("English", "EN", "e", "en-", "en-x"):
        assert _refusal(Draft(title="t", source="", language=hostile)) == (
            "Language must be a language tag such as `en` or `pt-BR`."
        ), hostile


def test_four_files_may_be_attached_not_five() -> None:
    check_draft(Draft(title="t", source="", media_ids=(1, 2, 3, 4)))
    assert _refusal(Draft(title="t", source="", media_ids=(1, 2, 3, 4, 5))) == "At most 4 files can be attached."


def test_only_known_licences_are_accepted() -> None:
    check_draft(Draft(title="t", source="", license=BY_ND))
    assert _refusal(Draft(title="t", source="", license="https://example.com/my-licence")) == (
        "The licence must be a Creative Commons 4.0 licence or CC0."
    )


def test_without_files_a_contribution_is_text_and_another_kind_needs_a_file() -> None:
    assert kind_for("", []) == kind_for("text", []) == "text"
    with pytest.raises(ValidationFailed) as refused:
        kind_for("image", [])
    assert refused.value.message == "A contribution of kind image needs a file."


def test_the_kind_is_what_the_files_are_and_several_kinds_make_it_mixed() -> None:
    assert kind_for("", ["image", "image"]) == "image"
    assert kind_for("text", ["audio"]) == "audio"
    assert kind_for("video", ["video"]) == "video"
    assert kind_for("", ["image", "audio"]) == "mixed"
    assert kind_for("mixed", ["image"]) == "mixed"


@pytest.mark.parametrize(
    ("requested", "files", "message"),
    [
        ("audio", ["image"], "A contribution of kind audio needs an audio file."),
        ("image", ["video"], "A contribution of kind image needs an image file."),
        ("video", ["audio"], "A contribution of kind video needs a video file."),
    ],
)
def test_a_kind_the_files_are_not_is_refused(requested: str, files: list[str], message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        kind_for(requested, files)
    assert refused.value.message == message


@pytest.mark.anyio
@pytest.mark.usefixtures("db")
async def test_the_default_licence_is_by_sa_until_an_admin_picks_one_that_permits_remixing() -> None:
    assert (await default_license()).code == "cc-by-sa-4.0"
    for refused_code in ("cc-by-nd-4.0", "no-such-licence"):
        with pytest.raises(ValidationFailed) as refused:
            await set_default_license(refused_code)
        assert refused.value.message == "The default licence must be a known licence that permits remixing."
    assert (await default_license()).code == "cc-by-sa-4.0"
    assert (await set_default_license("cc0-1.0")).code == "cc0-1.0"
    assert (await default_license()).code == "cc0-1.0"


@pytest.mark.anyio
@pytest.mark.usefixtures("db")
async def test_a_stored_default_licence_that_is_no_longer_known_falls_back_to_by_sa() -> None:
    await write_setting("default_license", "cc-by-3.0")  # hostile or stale setting row
    assert (await default_license()).code == "cc-by-sa-4.0"


def test_every_known_licence_is_offered() -> None:
    assert license_choices() == LICENSES
    assert BY in {licence.iri for licence in license_choices()}
