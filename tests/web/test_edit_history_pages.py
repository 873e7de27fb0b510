"""Editing a work's files and reading its history: "(edited …)" links to every version with what
changed; a remix that only got its quote consent stamped is not shown as edited."""

from __future__ import annotations

import re

import httpx
import pytest

from fediverse_hit.services.contribution_rules import MAX_ATTACHMENTS
from fediverse_hit.store.models import Account, Contribution, MediaAttachment
from tests.asgi_forms import HTML, csrf_from
from tests.web.test_contribution_pages import png, publish_page, submit

pytestmark = pytest.mark.anyio


async def edit(client: httpx.AsyncClient, path: str, files: dict[str, tuple[str, bytes, str]] | None = None,
               **fields: str | list[str]) -> httpx.Response:
    data = {"csrf_token": await csrf_from(client, f"{path}/edit"), **fields}
    upload = files or {"file_1": ("", b"", "application/octet-stream")}
    return await client.post(f"{path}/edit", data=data, files=upload, headers=HTML)


async def test_replacing_a_file_makes_a_version_the_history_describes(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    path = await publish_page(client, {"file_1": ("a.png", png(), "image/png")}, title="Garden", source="Roses.\nTulips.",
                              alt_1="Red roses")
    work = await Contribution.get(title="Garden")
    old = await MediaAttachment.get(contribution=work)
    form = (await client.get(f"{path}/edit", headers=HTML)).text
    assert f'name="remove_media" value="{old.id}"' in form and 'id="file_1"' in form  # replace = remove + add

    response = await edit(client, path, {"file_1": ("b.png", png((40, 40)), "image/png")}, title="Garden",
                          source="Roses.\nLilies.", media_id=str(old.id), remove_media=str(old.id),
                          alt_1="White lilies", **{f"description_{old.id}": "Red roses"})
    assert response.status_code == 303, response.text
    attached = await MediaAttachment.filter(contribution=work)
    assert [item.description for item in attached] == ["White lilies"]
    assert (await MediaAttachment.get(id=old.id)).contribution_id is None  # detached, kept for version 1
    assert (await Contribution.get(id=work.id)).version == 2

    page = (await anonymous.get(path, headers=HTML)).text
    assert f'href="/contributions/{work.local_id}/history">(edited <time' in page
    history = (await anonymous.get(f"{path}/history", headers=HTML)).text
    assert "Edit history of “Garden”" in history and "2 versions" in history
    assert re.search(r'<del class="diff-line"><span class="visually-hidden">Removed: </span>Tulips.</del>', history)
    assert re.search(r'<ins class="diff-line"><span class="visually-hidden">Added: </span>Lilies.</ins>', history)
    assert "Added: image — “White lilies”" in history and "Removed: image — “Red roses”" in history


async def test_removing_every_file_leaves_a_text_work(client: httpx.AsyncClient, alice: Account) -> None:
    path = await publish_page(client, {"file_1": ("a.png", png(), "image/png")}, title="Sketch", alt_1="Lines")
    work = await Contribution.get(title="Sketch")
    old = await MediaAttachment.get(contribution=work)
    assert work.kind == "image"
    response = await edit(client, path, title="Sketch", source="Words instead.", media_id=str(old.id), remove_media=str(old.id))
    assert response.status_code == 303, response.text
    assert (await Contribution.get(id=work.id)).kind == "text"
    assert await MediaAttachment.filter(contribution=work).count() == 0


async def test_someone_elses_upload_cannot_be_attached_by_an_edit(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    """What is tried: Alice's edit form names Bob's fresh upload as a kept file."""
    path = await publish_page(client, title="Mine", source="Text.")
    await publish_page(bob_client, {"file_1": ("b.png", png(), "image/png")}, title="Bob's", alt_1="Bob's")
    theirs = await MediaAttachment.get(contribution=await Contribution.get(title="Bob's"))
    await MediaAttachment.filter(id=theirs.id).update(contribution_id=None)  # as if still unattached
    response = await edit(client, path, title="Mine", source="Text, edited.", media_id=str(theirs.id))
    assert response.status_code == 422 and "is not one of your uploads" in response.text
    mine = await Contribution.get(title="Mine")
    assert mine.version == 1 and mine.source == "Text."
    assert (await MediaAttachment.get(id=theirs.id)).contribution_id is None


async def test_history_is_hidden_with_the_work(client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient) -> None:
    path = await publish_page(client, title="Private plans", visibility="followers")
    assert (await anonymous.get(f"{path}/history", headers=HTML)).status_code == 404
    assert (await client.get(f"{path}/history", headers=HTML)).status_code == 200


async def test_a_new_local_remix_is_not_shown_as_edited(client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient) -> None:
    """The bug: a remix of a work here gets consent at once, which makes a version 2 (with the
    stamp) and used to show "(edited …)" on a work nobody edited."""
    source = await publish_page(client, title="Melody", source="La la la.")
    response = await submit(bob_client, "/contributions/new", "/contributions/new", title="Melody remix",
                            source="Louder.", source_url_1=f"http://hit.test{source}", visibility="public",
                            license="https://creativecommons.org/licenses/by-sa/4.0/")
    assert response.status_code == 303, response.text
    remix = await Contribution.get(title="Melody remix")
    assert remix.version == 2 and remix.quote_authorization_uri  # the stamp made a version
    page = (await bob_client.get(remix.uri, headers=HTML)).text
    assert "(edited" not in page and "Edit history" not in page
    assert "(edited" not in (await bob_client.get("/local", headers=HTML)).text
    assert "1 version" in (await bob_client.get(f"{remix.uri}/history", headers=HTML)).text


async def test_an_edit_sent_with_every_empty_file_input_of_the_form_is_saved(client: httpx.AsyncClient, alice: Account) -> None:
    """What a browser sends: each slot's file, cover and captions inputs as parts with
    `filename=""`, empty ones too (an edit once refused that many parts and showed an error page
    instead of saving). The body is written by hand: httpx leaves an empty filename out."""
    path = await publish_page(client, {"file_1": ("a.png", png(), "image/png")}, title="Pier", alt_1="A pier")
    work = await Contribution.get(title="Pier")
    old = await MediaAttachment.get(contribution=work)
    fields = {"csrf_token": await csrf_from(client, f"{path}/edit"), "title": "Pier", "source": "At low tide.",
              "media_id": str(old.id), f"description_{old.id}": "A pier"}
    boundary = "browser-like-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n' for name, value in fields.items()]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{part}_{n}"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
        for n in range(1, MAX_ATTACHMENTS + 1) for part in ("file", "cover", "captions")
    ]
    body = "".join(parts) + f"--{boundary}--\r\n"
    response = await client.post(f"{path}/edit", content=body.encode(),
                                 headers={**HTML, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 303, response.text
    assert (await Contribution.get(id=work.id)).version == 2
