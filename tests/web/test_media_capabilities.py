"""Media URLs as capabilities: secret names, shown only to who may see the post, withdrawn on delete.

The hostile side: a stranger or anonymous visitor looking for a followers-only post's files on
every page and document of the instance; someone who has the file guessing its URL from its
content hash; someone keeping a URL after the post (or the account) was deleted.
"""

from __future__ import annotations

import hashlib
import io
import os
import wave
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from fediverse_hit.federation.relationships import follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, Actor, Contribution, ContributionTag, Follow, MediaAttachment
from tests.asgi_forms import HTML, PASSWORD, csrf_from

pytestmark = pytest.mark.anyio

AS2 = {"Accept": "application/activity+json"}
NO_FILE = {"file_1": ("", b"", "application/octet-stream")}


def png(colour: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 4000)
    return buffer.getvalue()


async def publish(client: httpx.AsyncClient, files: dict[str, tuple[str, bytes, str]], **fields: str) -> str:
    """Publish through the composer; the work page's path."""
    data = {"csrf_token": await csrf_from(client, "/contributions/new"), "visibility": "public", **fields}
    response = await client.post("/contributions/new", data=data, files=files, headers=HTML)
    assert response.status_code == 303, response.text
    return urlsplit(response.headers["location"]).path


async def media_names(path: str) -> list[str]:
    """The stored file names (file, thumbnail, cover) of the contribution at `path`."""
    contribution = await Contribution.get(local_id=path.rsplit("/", 1)[1])
    rows = await MediaAttachment.filter(contribution=contribution)
    names = [name for row in rows for name in (row.filename, row.thumbnail_filename, row.cover_filename)]
    return [name for name in names if name]


@dataclass
class Secret:
    """Alice's followers-only posts (an image and an audio piece, both pinned, tagged #plans)."""

    image: str
    audio: str
    names: list[str]


@pytest.fixture
async def secret(client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, urls: InstanceUrls) -> Secret:
    image = await publish(client, {"file_1": ("plan.png", png(), "image/png")},
                          title="Secret plans", source="Plans #plans", visibility="followers", alt_1="A plan")
    audio = await publish(client, {"file_1": ("take.wav", wav(), "audio/wav")},
                          title="Secret song", source="Song #plans", kind="audio", visibility="followers",
                          alt_1="A hum")
    for path in (image, audio):
        pinned = await client.post(f"{path}/pin", data={"csrf_token": await csrf_from(client, path)}, headers=HTML)
        assert pinned.status_code == 303
    await follow_account(await Actor.get(username="bob"), await Actor.get(username="alice"), urls)
    return Secret(image, audio, [*await media_names(image), *await media_names(audio)])



def leaked(names: list[str], body: str) -> list[str]:
    return [name for name in names if name in body]


def html_surfaces(secret: Secret) -> list[str]:
    return [
        secret.image, f"{secret.image}/embed", f"{secret.image}/versions/1",
        secret.audio, f"{secret.audio}/embed", f"{secret.audio}/versions/1",
        "/@alice", "/local", "/federated", "/tags/plans", "/home", "/notifications",
    ]


def document_surfaces(secret: Secret) -> list[str]:
    return [
        secret.image, f"{secret.image}/activity", f"{secret.image}/versions/1", f"{secret.image}/replies",
        secret.audio, f"{secret.audio}/activity", f"{secret.audio}/versions/1",
        "/users/alice", "/users/alice/outbox", "/users/alice/outbox?page=true", "/users/alice/featured",
    ]


async def test_no_page_shows_followers_only_media_to_a_stranger_or_anonymous(
    secret: Secret, anonymous: httpx.AsyncClient, carol_client: httpx.AsyncClient
) -> None:
    assert len(secret.names) >= 3  # image, its thumbnail, the audio file
    for visitor in (anonymous, carol_client):
        for path in html_surfaces(secret):
            body = (await visitor.get(path, headers=HTML)).text
            assert leaked(secret.names, body) == [], path


async def test_no_document_shows_followers_only_media_to_an_unsigned_fetch(
    secret: Secret, anonymous: httpx.AsyncClient
) -> None:
    for path in document_surfaces(secret):
        body = (await anonymous.get(path, headers=AS2)).text
        assert leaked(secret.names, body) == [], path


async def test_a_follower_sees_the_media_on_the_pages_meant_for_followers(
    secret: Secret, bob_client: httpx.AsyncClient
) -> None:
    image_page = (await bob_client.get(secret.image, headers=HTML)).text
    audio_page = (await bob_client.get(secret.audio, headers=HTML)).text
    home = (await bob_client.get("/home", headers=HTML)).text
    for names, page in ((await media_names(secret.image), image_page), (await media_names(secret.audio), audio_page)):
        assert leaked(names, page) != []
        assert leaked(names, home) != []
    served = await bob_client.get(f"/media/{(await media_names(secret.image))[0]}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"


async def test_media_names_are_secret_not_content_hashes(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    data = png()
    first = await publish(client, {"file_1": ("a.png", data, "image/png")}, title="One", visibility="followers")
    second = await publish(client, {"file_1": ("a.png", data, "image/png")}, title="Two", visibility="followers")
    one, two = (await media_names(first))[0], (await media_names(second))[0]
    assert one != two  # the same bytes twice: two names, neither derived from the bytes
    assert len(one.split(".")[0]) == 32 and int(one.split(".")[0], 16) >= 0
    stored = await anonymous.get(f"/media/{one}")
    assert stored.status_code == 200
    guessed = f"{hashlib.sha256(stored.content).hexdigest()}.png"  # what someone with the file would try
    assert (await anonymous.get(f"/media/{guessed}")).status_code == 404


async def test_a_deleted_posts_media_is_no_longer_served(secret: Secret, client: httpx.AsyncClient) -> None:
    names = await media_names(secret.image)
    assert [(await client.get(f"/media/{name}")).status_code for name in names] == [200] * len(names)
    deleted = await client.post(
        f"{secret.image}/delete", data={"csrf_token": await csrf_from(client, secret.image), "confirm": "yes"},
        headers=HTML,
    )
    assert deleted.status_code == 303
    assert [(await client.get(f"/media/{name}")).status_code for name in names] == [404] * len(names)
    audio = (await media_names(secret.audio))[0]
    assert (await client.get(f"/media/{audio}")).status_code == 200  # the other post's file is untouched


async def test_a_deleted_accounts_media_is_no_longer_served(secret: Secret, client: httpx.AsyncClient) -> None:
    token = await csrf_from(client, "/settings/delete")
    assert (await client.post("/settings/delete", data={"csrf_token": token, "password": PASSWORD})).status_code == 303
    assert [(await client.get(f"/media/{name}")).status_code for name in secret.names] == [404] * len(secret.names)


async def rename_to_content_hash(settings: Settings, path: str) -> str:
    """Give a post's image the name files had before (its SHA-256), as an older instance stored it."""
    row = await MediaAttachment.get(contribution=await Contribution.get(local_id=path.rsplit("/", 1)[1]))
    assert row.filename is not None
    old: Path = settings.media_dir / row.filename[:2] / row.filename
    legacy = f"{hashlib.sha256(old.read_bytes()).hexdigest()}.png"
    (settings.media_dir / legacy[:2]).mkdir(exist_ok=True)
    os.replace(old, settings.media_dir / legacy[:2] / legacy)
    await MediaAttachment.filter(id=row.id).update(filename=legacy)
    return legacy


async def test_older_content_hash_names_keep_working_for_public_posts_only(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient, settings: Settings
) -> None:
    public = await publish(client, {"file_1": ("a.png", png((1, 2, 3)), "image/png")}, title="Open")
    private = await publish(client, {"file_1": ("b.png", png((4, 5, 6)), "image/png")}, title="Closed",
                            visibility="followers")
    public_name = await rename_to_content_hash(settings, public)
    private_name = await rename_to_content_hash(settings, private)
    assert (await anonymous.get(f"/media/{public_name}")).status_code == 200
    assert (await anonymous.get(f"/media/{private_name}")).status_code == 404  # guessable, so withheld
    assert await Contribution.filter(visibility="followers").count() == 1


async def test_a_remote_followers_only_posts_media_shows_only_to_its_local_followers(
    bob_client: httpx.AsyncClient, carol_client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    eve = await Actor.create(
        uri="https://remote.example/users/eve", username="eve", domain="remote.example", name="Eve",
        inbox="https://remote.example/users/eve/inbox", followers_url="https://remote.example/users/eve/followers",
    )
    note = await Contribution.create(
        uri="https://remote.example/notes/1", url="https://remote.example/@eve/1", author=eve, title="Eve's secret",
        visibility="followers", published_at=datetime.now(UTC),
    )
    await ContributionTag.create(contribution=note, name="plans")
    secret_url = "https://remote.example/files/0f1e2d3c4b5a69788796a5b4c3d2e1f0.png"
    await MediaAttachment.create(contribution=note, kind="image", media_type="image/png", remote_url=secret_url)
    await Follow.create(follower=await Actor.get(username="bob"), followed=eve, state="accepted",
                        activity_uri="https://hit.test/follows/1")
    for visitor, paths in ((anonymous, ["/federated", "/local", "/tags/plans"]),
                           (carol_client, ["/federated", "/tags/plans", "/home"])):
        for path in paths:
            assert secret_url not in (await visitor.get(path, headers=HTML)).text, path
    assert secret_url in (await bob_client.get("/home", headers=HTML)).text
