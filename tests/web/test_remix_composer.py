"""The remix composer: "Remix this" opens it with the work as the first source; typed weights and
the upstream share become the Draft's sources (basis points); mistakes come back named."""

from __future__ import annotations

import httpx
import pytest
from starlette.datastructures import FormData

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import SourceRequest
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.models import Account, Actor, Contribution
from fediverse_hit.web.remix_form import parse_percent, parse_source_fields, read_source_fields
from tests.asgi_forms import HTML, csrf_from
from tests.remix_families import add_work, remote_actor

pytestmark = pytest.mark.anyio
ND = "https://creativecommons.org/licenses/by-nd/4.0/"
BY = "https://creativecommons.org/licenses/by/4.0/"


def parsed(**fields: str) -> tuple[tuple[SourceRequest, ...], int | None, dict[str, str]]:
    errors: dict[str, str] = {}
    sources, share = parse_source_fields(read_source_fields(FormData(list(fields.items()))), errors)
    return sources, share, errors


def test_percentages_become_basis_points() -> None:
    assert [parse_percent(text) for text in ("50", "33.33", "33,3", "100 %", "0")] == [5000, 3333, 3330, 10000, 0]
    assert [parse_percent(text) for text in ("100.01", "-5", "1.234", "half", "")] == [None] * 5


def test_sources_with_and_without_weights_fill_the_draft() -> None:
    sources, share, errors = parsed(
        source_url_1="https://a.example/works/1", source_weight_1="60",
        source_url_2="https://b.example/notes/2", upstream_share="40",
    )
    assert errors == {}
    assert sources == (SourceRequest("https://a.example/works/1", 6000), SourceRequest("https://b.example/notes/2", None))
    assert share == 4000


def test_no_sources_is_not_a_remix() -> None:
    assert parsed(upstream_share="50") == ((), None, {})


def test_each_mistake_is_named_on_its_field() -> None:
    _, _, errors = parsed(source_url_1="ftp://a.example/x", source_url_2="https://b.example/1", source_weight_2="lots",
                          upstream_share="120")
    assert errors == {
        "source_url_1": "Source 1: give the address of a work (starting with https://).",
        "source_weight_2": "Source 2: the weight must be a percentage from 0 to 100.",
        "upstream_share": "The share for the sources must be a percentage from 0 to 100.",
    }
    _, _, errors = parsed(source_url_1="https://a.example/1", source_weight_1="70",
                          source_url_2="https://b.example/2", source_weight_2="70")
    assert errors == {"sources": "The weights must add up to 100 %, or leave some empty to share the rest equally."}
    _, _, errors = parsed(source_url_1="https://a.example/1", source_url_2="https://a.example/1")
    assert errors == {"sources": "Each work can be a source only once."}


async def test_remix_this_opens_the_composer_with_the_work_as_first_source(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    bob = await remote_actor("bob", "b.example")
    song = await add_work(bob, "Wind song", urls)
    mine = await add_work(await alice.actor, "Green field", urls)

    page = (await client.get("/contributions/" + mine.local_id)).text  # type: ignore[operator]
    assert f'href="/contributions/new?remix={mine.uri.replace(":", "%3A").replace("/", "%2F")}" class="button remix-button">Remix this' in page
    timeline = (await client.get("/contributions/new?remix=" + song.uri)).text

    assert "<h1 id=\"composer-heading\">New remix</h1>" in timeline
    assert f"Remixing <a href=\"/remote-contributions/{song.id}\">“Wind song” by @bob@b.example</a>" in timeline  # its page here
    assert f'name="source_url_1" value="{song.uri}"' in timeline
    assert 'name="source_url_3"' in timeline and 'name="source_url_4"' not in timeline
    assert 'name="upstream_share" value="50"' in timeline


async def test_no_remix_button_on_a_no_derivatives_work(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    mine = await add_work(await alice.actor, "Keep as is", urls)
    await Contribution.filter(id=mine.id).update(license=ND)

    page = (await client.get("/contributions/" + mine.local_id)).text  # type: ignore[operator]

    assert "Remix this" not in page
    assert "No remixes yet. Its licence does not allow remixes." in page


async def test_a_wrong_weight_comes_back_with_everything_typed(client: httpx.AsyncClient, alice: Account) -> None:
    data = {
        "csrf_token": await csrf_from(client, "/contributions/new"), "visibility": "public", "title": "Mashup",
        "source": "Two songs at once", "source_url_1": "https://a.example/1", "source_weight_1": "80",
        "source_url_2": "https://b.example/2", "source_weight_2": "80", "upstream_share": "50",
    }
    response = await client.post("/contributions/new", data=data, files={"file_1": ("", b"", "application/octet-stream")},
                                  headers=HTML)

    assert response.status_code == 422
    assert "The weights must add up to 100 %, or leave some empty to share the rest equally." in response.text
    assert 'value="https://b.example/2"' in response.text and 'name="source_weight_2" value="80"' in response.text
    assert await Contribution.filter(title="Mashup").count() == 0


async def _step(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    """Post the composer as a picker step (no files chosen)."""
    data = {"csrf_token": await csrf_from(client, "/contributions/new"), "visibility": "public", **fields}
    return await client.post("/contributions/new", data=data, files={"file_1": ("", b"", "application/octet-stream")},
                             headers=HTML)


async def test_my_recent_works_are_offered_and_one_is_added_as_a_source(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    me = await alice.actor
    field = await add_work(me, "Green field", urls)
    kept = await add_work(me, "Keep as is", urls, minutes=1)
    await Contribution.filter(id=kept.id).update(license=ND)
    await add_work(me, "Just for friends", urls, minutes=2, visibility="followers")

    listed = await _step(client, title="Mashup", source="Draft text", step="mine")

    assert listed.status_code == 200
    assert '<h3 id="picker-title">Your recent works</h3>' in listed.text
    assert 'aria-label="Add “Green field” as a source"' in listed.text
    assert "Keep as is" not in listed.text and "Just for friends" not in listed.text  # ND; not public
    assert 'name="title" value="Mashup"' in listed.text and ">Draft text</textarea>" in listed.text
    added = await _step(client, title="Mashup", source="Draft text", picker="mine", add_source=field.uri,
                        source_url_1="https://b.example/2", source_weight_1="40", source_url_2="")

    assert 'name="source_url_1" value="https://b.example/2"' in added.text and 'name="source_weight_1" value="40"' in added.text
    assert f'name="source_url_2" value="{field.uri}"' in added.text
    assert "“Green field” by @alice@hit.test" in added.text
    assert '<span class="badge">Added</span>' in added.text  # the list stays open, the work marked
    assert await Contribution.filter(title="Mashup").count() == 0


async def test_a_handle_shows_that_persons_works_known_here(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    bob = await remote_actor("bob", "b.example")
    song = await add_work(bob, "Wind song", urls)
    await Contribution.filter(id=song.id).update(license="")  # a Mastodon post states no licence
    await create_account("dora", "correct horse battery", urls)
    dora = await Actor.get(username="dora", local=True)
    await add_work(dora, "Dora's drawing", urls)

    remote = await _step(client, step="handle", source_handle="@bob@b.example")
    local = await _step(client, step="enter", source_handle="@dora")  # Enter in the handle field

    assert "Works by Bob (@bob@b.example)" in remote.text
    assert 'aria-label="Add “Wind song” as a source"' in remote.text and "No licence stated" in remote.text
    assert "Works by dora (@dora@hit.test)" in local.text and "Add “Dora&#39;s drawing” as a source" in local.text
    unknown = await _step(client, step="handle", source_handle="not a handle")
    assert "Type a handle such as @name (someone here) or @name@their.server." in unknown.text
    nobody = await _step(client, step="handle", source_handle="@nobody")
    assert "No one was found at @nobody@hit.test: no such user here." in nobody.text


async def test_enter_with_no_handle_typed_still_publishes(client: httpx.AsyncClient, alice: Account) -> None:
    response = await _step(client, step="enter", title="Plain", source="Just text", license=BY)

    assert response.status_code == 303
    assert await Contribution.filter(title="Plain").count() == 1
