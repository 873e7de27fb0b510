"""Contribution pages through real forms: the composer (text, image, audio), the work page and its
`<head>`, hostile input, likes and boosts, edits, deletion, visibility and the timelines."""

from __future__ import annotations

import io
import logging
import re
import wave
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from fediverse_hit.federation.relationships import follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.models import Account, Actor, Contribution, Follow, Like, MediaAttachment, Mention
from fediverse_hit.web.contribution_meta import page_meta
from tests.asgi_forms import CSRF, HTML, PASSWORD, csrf_from, log_in

pytestmark = pytest.mark.anyio

NO_FILE = {"file_1": ("", b"", "application/octet-stream")}
FilesArg = dict[str, tuple[str, bytes, str]]


async def publish(client: httpx.AsyncClient, files: FilesArg | None = None, /, **fields: str) -> httpx.Response:
    """Submit the composer as a browser does (multipart, with the page's CSRF token)."""
    data = {"csrf_token": await csrf_from(client, "/contributions/new"), "visibility": "public", **fields}
    return await client.post("/contributions/new", data=data, files=files or NO_FILE, headers=HTML)


async def publish_page(client: httpx.AsyncClient, files: FilesArg | None = None, /, **fields: str) -> str:
    """Publish and return the work page's path."""
    response = await publish(client, files, **fields)
    assert response.status_code == 303, response.text
    return urlsplit(response.headers["location"]).path


async def submit(client: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    data = {"csrf_token": await csrf_from(client, page), **fields}
    return await client.post(action, data=data, headers=HTML)


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def wav(seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))
    return buffer.getvalue()


class Elements(HTMLParser):
    """Every start tag with its (entity-decoded) attributes, and the page's text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def meta(self, key: str) -> list[str]:
        return [a["content"] for t, a in self.tags if t == "meta" and key in (a.get("property"), a.get("name"))]


def assert_nothing_executable(page: str) -> None:
    """No script is injected, no event handler, no javascript:/data: address anywhere. The page's
    own scripts (same-origin files under /static/), its line icons and our generated avatars
    (initials on a colour, drawn by the template) are the only such tags."""
    for tag, attrs in Elements(page).tags:
        ours = (tag == "script" and attrs.get("src", "").startswith("http://hit.test/static/") and len(attrs) == 2) or (
            tag == "svg" and attrs.get("class") in ("icon", "avatar avatar-default")
        )
        assert ours or tag not in ("script", "iframe", "object", "embed", "svg"), (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "poster", "formaction", "xlink:href"):
                assert not re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:", "vbscript:")), (tag, name)


# --- the composer and the work page ----------------------------------------------------------


async def test_composer_labels_every_input(client: httpx.AsyncClient, alice: Account) -> None:
    page = (await client.get("/contributions/new", headers=HTML)).text
    ids = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', page)
    assert {"title", "source", "kind", "file_1", "alt_1", "file_4", "alt_4", "summary", "sensitive", "license",
            "language", "visibility"} <= set(ids)
    for input_id in ids:
        assert f'<label for="{input_id}"' in page, input_id
    assert 'enctype="multipart/form-data"' in page and "data-upload-progress" in page
    assert 'aria-live="polite"' in page and "/static/upload.js" in page
    selected = re.search(r'<option value="([^"]+)" selected>CC BY-SA 4.0', page)
    assert selected and selected.group(1) == "https://creativecommons.org/licenses/by-sa/4.0/"  # instance default


async def test_composer_needs_a_login(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/contributions/new", headers=HTML)).status_code == 401


async def test_text_contribution_is_published_and_shown(client: httpx.AsyncClient, alice: Account) -> None:
    response = await publish(
        client, title="Rabbit hole", source="Down, down, **down**.\n\nWould the fall *never* come to an end?",
        license="https://creativecommons.org/licenses/by/4.0/",
    )
    assert re.fullmatch(r"http://hit\.test/contributions/\d+\?done=published", response.headers["location"])
    page = await client.get(response.headers["location"], headers=HTML)
    assert page.status_code == 200
    assert "Your contribution was published." in page.text
    assert '<h1 id="contribution-' in page.text and ">Rabbit hole</h1>" in page.text
    assert "<strong>down</strong>" in page.text and "<em>never</em>" in page.text
    assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">' in page.text
    assert "CC BY 4.0" in page.text and "Remixing allowed" in page.text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', page.text)


async def test_image_contribution_shows_the_image_with_its_alt_text(client: httpx.AsyncClient, alice: Account) -> None:
    files = {"file_1": ("square.png", png(), "image/png")}
    path = await publish_page(client, files, title="Red square", alt_1="A red square on nothing at all")
    page = (await client.get(path, headers=HTML)).text
    images = [a for t, a in Elements(page).tags if t == "img" and a.get("alt") == "A red square on nothing at all"]
    assert len(images) == 1
    served = await client.get(images[0]["src"])
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/")
    elements = Elements(page)
    assert elements.meta("twitter:card") == ["summary_large_image"]
    assert elements.meta("og:image:alt") == ["A red square on nothing at all"]
    assert elements.meta("og:image")[0].startswith("http://hit.test/media/")
    contribution = await Contribution.get(title="Red square")
    assert contribution.kind == "image"


async def test_work_page_head_has_opengraph_creator_and_alternate(client: httpx.AsyncClient, alice: Account) -> None:
    path = await publish_page(client, title="Tea party", source="A table set out under a tree.")
    elements = Elements((await client.get(path, headers=HTML)).text)
    assert elements.meta("og:title") == ["Tea party"]
    assert elements.meta("og:description") == ["A table set out under a tree."]
    assert elements.meta("og:url") == [f"http://hit.test{path}"]
    assert elements.meta("og:type") == ["article"]
    assert elements.meta("twitter:card") == ["summary"]
    assert elements.meta("fediverse:creator") == ["@alice@hit.test"]
    alternates = [a for t, a in elements.tags if t == "link" and a.get("rel") == "alternate"]
    assert alternates == [{"rel": "alternate", "type": "application/activity+json", "href": f"http://hit.test{path}"}]
    document = await client.get(path, headers={"Accept": "application/activity+json"})
    assert document.json()["id"] == f"http://hit.test{path}"


async def test_audio_contribution_has_a_player_card_and_an_embeddable_player(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    files = {"file_1": ("hum.wav", wav(), "audio/wav"), "cover_1": ("cover.png", png((120, 120)), "image/png")}
    path = await publish_page(client, files, title="Half a second of hum", alt_1="Silence, really")
    page = (await anonymous.get(path, headers=HTML)).text
    assert re.search(r'<audio controls preload="metadata" aria-label="Silence, really">\s*<source src="http://hit\.test/media/[0-9a-f]{32}\.wav" type="audio/wav">', page)
    elements = Elements(page)
    assert elements.meta("twitter:card") == ["player"]
    assert elements.meta("twitter:player") == [f"http://hit.test{path}/embed"]
    assert elements.meta("twitter:player:width") and elements.meta("twitter:player:height")
    assert elements.meta("og:audio")[0].endswith(".wav") and elements.meta("og:audio:type") == ["audio/wav"]
    assert elements.meta("og:image")  # the cover
    embed = await anonymous.get(f"{path}/embed", headers=HTML)
    assert embed.status_code == 200 and "<audio controls" in embed.text
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers  # a DENY beside the policy would block old browsers
    normal = await anonymous.get(path, headers=HTML)
    assert "frame-ancestors 'none'" in normal.headers["content-security-policy"]
    assert normal.headers["x-frame-options"] == "DENY"


async def test_problems_come_back_with_what_was_typed(client: httpx.AsyncClient, alice: Account) -> None:
    response = await publish(client, title="T" * 201, source="Kept *text*", summary="Kept warning")
    assert response.status_code == 422
    assert "The title is too long" in response.text and 'role="alert"' in response.text
    assert ">Kept *text*</textarea>" in response.text and 'value="Kept warning"' in response.text

    fake = {"file_1": ("evil.png", b"<html><script>alert(1)</script></html>", "image/png")}
    response = await publish(client, fake, title="Fake image", alt_1="Kept alt")
    assert response.status_code == 422
    assert 'id="file_1-error"' in response.text and 'value="Fake image"' in response.text
    assert ">Kept alt</textarea>" in response.text
    assert await Contribution.all().count() == 0


async def test_a_stored_file_stays_attached_when_the_text_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    files = {"file_1": ("square.png", png(), "image/png")}
    response = await publish(client, files, title="T" * 201, alt_1="Still here")
    assert response.status_code == 422
    media_id = re.search(r'name="media_id" value="(\d+)"', response.text)
    assert media_id and ">Still here</textarea>" in response.text
    token = CSRF.search(response.text).group(1)  # type: ignore[union-attr]
    fields = {"csrf_token": token, "title": "Fixed", "media_id": media_id.group(1),
              f"description_{media_id.group(1)}": "Still here", "visibility": "public"}
    again = await client.post("/contributions/new", data=fields, files=NO_FILE, headers=HTML)
    assert again.status_code == 303
    page = (await client.get(again.headers["location"], headers=HTML)).text
    assert 'alt="Still here"' in page


async def test_composer_with_forged_csrf_publishes_nothing(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.post("/contributions/new", data={"csrf_token": "forged", "title": "x"}, files=NO_FILE, headers=HTML)
    assert response.status_code == 403
    assert await Contribution.all().count() == 0


# --- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    pytest.param({"title": "<script>alert('title')</script>"}, "<script>alert('title')</script>", id="script-in-title"),
    pytest.param({"title": '" onmouseover="alert(1)'}, '" onmouseover="alert(1)', id="attribute-breakout-in-title"),
    pytest.param({"source": "<img src=x onerror=alert(1)>"}, None, id="img-onerror-in-body"),
    pytest.param({"source": "<svg onload=alert(1)>"}, None, id="svg-onload-in-body"),
    pytest.param({"source": '<iframe src="javascript:alert(1)"></iframe>'}, None, id="iframe-in-body"),
    pytest.param({"source": "[click me](javascript:alert(1))"}, None, id="markdown-javascript-link"),
    pytest.param({"source": '<a href="javascript:alert(1)">raw</a>'}, None, id="raw-javascript-anchor"),
    pytest.param({"source": '<a href="&#106;avascript:alert(1)">entity</a>'}, None, id="entity-encoded-javascript"),
    pytest.param({"source": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"}, None, id="data-url-link"),
    pytest.param({"summary": "<script>alert('cw')</script>"}, "<script>alert('cw')</script>", id="script-in-content-warning"),
    pytest.param({"alt_1": '"><script>alert(1)</script><img src=x onerror=alert(2) alt="'},
                 '"><script>alert(1)</script><img src=x onerror=alert(2) alt="', id="alt-text-breakout"),
]


@pytest.mark.parametrize(("fields", "shown_as_text"), HOSTILE)
async def test_hostile_input_never_reaches_a_page_unescaped(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient,
    fields: dict[str, str], shown_as_text: str | None,
) -> None:
    files = {"file_1": ("square.png", png(), "image/png")} if "alt_1" in fields else None
    path = await publish_page(client, files, **{"title": "Harmless", **fields})
    for page_path in (path, "/local", "/@alice", f"{path}/embed"):
        page = (await anonymous.get(page_path, headers=HTML)).text
        assert_nothing_executable(page)
        assert "<script>alert" not in page
    if shown_as_text is not None:  # still there, as the text it is
        elements = Elements((await anonymous.get(path, headers=HTML)).text)
        as_text = "".join(elements.text) + "".join(v for _, a in elements.tags for v in a.values())
        assert shown_as_text in as_text


# --- likes, boosts, edits, deletion ----------------------------------------------------------


async def test_like_and_boost_forms_change_the_counts(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await publish_page(client, title="Likeable")
    page = (await bob_client.get(path, headers=HTML)).text
    assert "0 likes" in page and "0 boosts" in page and "</svg> Like<" in page
    card_id = (await Contribution.get(title="Likeable")).id
    # Without JavaScript the form sends the browser back to the same card, by its anchor.
    assert f'name="back" value="{path}#c-{card_id}"' in page and f'id="c-{card_id}"' in page
    back = f"{path}#c-{card_id}"
    assert (await submit(bob_client, path, f"{path}/like", back=back)).headers["location"] == back
    page = (await bob_client.get(path, headers=HTML)).text
    assert "1 like<" in page and "</svg> Unlike<" in page
    await submit(bob_client, path, f"{path}/boost", back=path)
    page = (await bob_client.get(path, headers=HTML)).text
    assert "1 boost<" in page and "</svg> Undo boost<" in page
    await submit(bob_client, path, f"{path}/unlike", back=path)
    await submit(bob_client, path, f"{path}/unboost", back=path)
    page = (await client.get(path, headers=HTML)).text
    assert "0 likes" in page and "0 boosts" in page


async def test_like_needs_a_login_and_a_csrf_token(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient, bob_client: httpx.AsyncClient
) -> None:
    path = await publish_page(client, title="Guarded")
    assert (await anonymous.post(f"{path}/like", data={}, headers=HTML)).status_code == 401
    assert (await bob_client.post(f"{path}/like", data={"csrf_token": "forged"}, headers=HTML)).status_code == 403
    assert "0 likes" in (await client.get(path, headers=HTML)).text


async def test_back_field_cannot_redirect_off_site(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await publish_page(client, title="Redirects")
    for back in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await submit(bob_client, path, f"{path}/like", back=back)
        assert response.headers["location"] == f"http://hit.test{path}"


async def test_edit_shows_the_new_version(client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient) -> None:
    path = await publish_page(client, title="First draft", source="Old words.")
    form = (await client.get(f"{path}/edit", headers=HTML)).text
    assert 'value="First draft"' in form and ">Old words.</textarea>" in form
    assert (await bob_client.get(f"{path}/edit", headers=HTML)).status_code == 403
    response = await submit(client, f"{path}/edit", f"{path}/edit", title="Second draft", source="New *words*.")
    assert response.status_code == 303
    page = (await client.get(response.headers["location"], headers=HTML)).text
    assert "Your changes were saved." in page and ">Second draft</h1>" in page and "<em>words</em>" in page
    assert "First draft" not in page and "(edited" in page
    assert (await Contribution.get(title="Second draft")).version == 2
    document = await client.get(f"{path}/versions/2", headers={"Accept": "application/activity+json"})
    assert document.status_code == 200


async def test_delete_needs_confirmation_then_the_page_is_gone(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    path = await publish_page(client, title="Short-lived")
    assert (await submit(bob_client, path, f"{path}/delete", confirm="yes")).status_code == 403
    unconfirmed = await submit(client, path, f"{path}/delete")
    assert unconfirmed.status_code == 422 and "Tick “Yes, delete it”" in unconfirmed.text
    assert (await anonymous.get(path, headers=HTML)).status_code == 200
    deleted = await submit(client, path, f"{path}/delete", confirm="yes")
    assert deleted.status_code == 303 and deleted.headers["location"].endswith("/@alice?deleted=1")
    assert "Your contribution was deleted." in (await client.get(deleted.headers["location"], headers=HTML)).text
    gone = await anonymous.get(path, headers=HTML)
    assert gone.status_code == 410 and "deleted" in gone.text and "Short-lived" not in gone.text
    assert (await anonymous.get(path, headers={"Accept": "application/activity+json"})).status_code == 410


async def test_pin_shows_on_the_profile(client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient) -> None:
    path = await publish_page(client, title="Best work")
    await publish_page(client, title="Other work")
    response = await submit(client, path, f"{path}/pin")
    assert response.status_code == 303
    profile = (await anonymous.get("/@alice", headers=HTML)).text
    pinned = profile.split('id="pinned-heading"', 1)[1].split("</section>", 1)[0]
    assert "Best work" in pinned and "Other work" not in pinned
    await submit(client, path, f"{path}/unpin")
    assert 'id="pinned-heading"' not in (await anonymous.get("/@alice", headers=HTML)).text


async def test_reply_form_posts_a_reply_shown_in_the_thread(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await publish_page(client, title="Question")
    reply = await submit(bob_client, path, "/contributions/new", source="An answer, @alice.",
                         in_reply_to=f"http://hit.test{path}", visibility="public")
    assert reply.status_code == 303
    made = await Contribution.get(source="An answer, @alice.")
    # The person replying lands back in the thread, at their reply.
    assert reply.headers["location"] == f"http://hit.test{path}?done=replied#c-{made.id}"
    landed = (await bob_client.get(reply.headers["location"], headers=HTML)).text
    assert "Your reply was published." in landed and f'id="c-{made.id}"' in landed.split('id="replies-heading"', 1)[1]
    page = (await client.get(path, headers=HTML)).text
    thread = page.split('id="replies-heading"', 1)[1]
    assert "An answer" in thread and "@bob@hit.test" in thread and "1 reply<" in page
    reply_page = (await client.get(made.uri, headers=HTML)).text
    assert "Replying to" in reply_page and f'href="http://hit.test{path}"' in reply_page


async def test_reply_forms_start_with_the_mentions(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await publish_page(client, title="Duet", source="With @bob, of course.")
    inline = (await bob_client.get(path, headers=HTML)).text
    assert '<textarea id="reply-source" name="source" rows="4" required aria-describedby="reply-help">@alice </textarea>' in inline
    own = (await client.get(path, headers=HTML)).text  # alice replying to herself mentions bob only
    assert 'aria-describedby="reply-help">@bob </textarea>' in own
    composer = (await bob_client.get("/contributions/new", params={"in_reply_to": f"http://hit.test{path}"}, headers=HTML)).text
    assert ">@alice </textarea>" in composer
    sent = await submit(bob_client, path, "/contributions/new", source="@alice Gladly.", in_reply_to=f"http://hit.test{path}")
    assert sent.status_code == 303  # the pre-filled mention, sent as it is, mentions her
    reply = await Contribution.get(source="@alice Gladly.")
    assert await Mention.filter(contribution=reply, actor__username="alice").exists()


# --- visibility and timelines ----------------------------------------------------------------


async def test_followers_only_contribution_is_hidden_from_strangers(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient,
    anonymous: httpx.AsyncClient, urls: InstanceUrls,
) -> None:
    path = await publish_page(client, title="Secret plans", visibility="followers")
    for stranger in (anonymous, bob_client):
        response = await stranger.get(path, headers=HTML)
        assert response.status_code == 404 and "Secret plans" not in response.text
        assert "Secret plans" not in (await stranger.get("/@alice", headers=HTML)).text
        assert (await stranger.get(f"{path}/embed", headers=HTML)).status_code == 404
    assert (await client.get(path, headers=HTML)).status_code == 200
    assert "Followers only" in (await client.get(path, headers=HTML)).text
    like = await bob_client.post(f"{path}/like", data={"csrf_token": await csrf_from(bob_client, "/")}, headers=HTML)
    assert like.status_code == 404  # as its page: liking does not reveal that it exists

    bob, alice_actor = await Actor.get(username="bob"), await Actor.get(username="alice")
    await follow_account(bob, alice_actor, urls)
    assert (await bob_client.get(path, headers=HTML)).status_code == 200
    assert "Secret plans" in (await bob_client.get("/home", headers=HTML)).text
    assert "Secret plans" not in (await anonymous.get("/local", headers=HTML)).text


async def test_timelines_show_what_they_should(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient,
    anonymous: httpx.AsyncClient, urls: InstanceUrls,
) -> None:
    public = await publish_page(client, title="Public piece", source="Sunset #Sunsets")
    await publish_page(client, title="Quiet piece", visibility="unlisted")
    await publish_page(client, title="Inner circle", visibility="followers")
    await submit(bob_client, public, "/contributions/new", source="Nice reply", in_reply_to=f"http://hit.test{public}")

    local = (await anonymous.get("/local", headers=HTML)).text
    assert "Public piece" in local
    assert "Quiet piece" not in local and "Inner circle" not in local and "Nice reply" not in local
    assert "New contribution" not in local  # no composer link for visitors
    federated = (await anonymous.get("/federated", headers=HTML)).text
    assert "Public piece" in federated and "Inner circle" not in federated
    tagged = (await anonymous.get("/tags/sunsets", headers=HTML)).text
    assert "Public piece" in tagged and "Quiet piece" not in tagged
    assert "Public piece" not in (await anonymous.get("/tags/other", headers=HTML)).text

    assert (await anonymous.get("/home", headers=HTML)).status_code == 401
    home = (await bob_client.get("/home", headers=HTML)).text
    assert "Public piece</a></h2>" not in home and "Nice reply" in home and "New contribution" in home
    bob, alice_actor = await Actor.get(username="bob"), await Actor.get(username="alice")
    await follow_account(bob, alice_actor, urls)
    home = (await bob_client.get("/home", headers=HTML)).text
    assert "Public piece</a></h2>" in home and "Quiet piece" in home and "Inner circle" in home


async def test_home_shows_boosts_by_people_followed(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, anonymous: httpx.AsyncClient,
    urls: InstanceUrls,
) -> None:
    await create_account("carol", PASSWORD, urls)
    path = await publish_page(client, title="Boosted piece")
    await submit(bob_client, path, f"{path}/boost")
    carol, bob = await Actor.get(username="carol"), await Actor.get(username="bob")
    await follow_account(carol, bob, urls)
    await log_in(anonymous, "carol")
    home = (await anonymous.get("/home", headers=HTML)).text
    assert "Boosted piece" in home and "Boosted by" in home


async def test_timelines_page_with_older_links(client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient) -> None:
    for n in range(23):
        await publish_page(client, title=f"Piece {n:02d}")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n, row in enumerate(await Contribution.all().order_by("id")):
        await Contribution.filter(id=row.id).update(published_at=start + timedelta(minutes=n))
    first = (await anonymous.get("/local", headers=HTML)).text
    assert "Piece 22" in first and "Piece 03" in first and "Piece 02" not in first
    older = re.search(r'<a href="(/local\?before=\d+-\d+)" rel="next">Older</a>', first)
    assert older
    second = (await anonymous.get(older.group(1), headers=HTML)).text
    assert "Piece 02" in second and "Piece 00" in second and "Piece 03" not in second
    assert 'rel="next"' not in second
    assert (await anonymous.get("/local?before=abc", headers=HTML)).status_code == 400


async def test_paging_skips_nothing_when_many_posts_share_one_second(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    for n in range(23):
        await publish_page(client, title=f"Piece {n:02d}")
    await Contribution.all().update(published_at=datetime(2026, 1, 1, tzinfo=UTC))
    first = (await anonymous.get("/local", headers=HTML)).text
    older = re.search(r'<a href="(/local\?before=[0-9-]+)" rel="next">Older</a>', first)
    assert older
    second = (await anonymous.get(older.group(1), headers=HTML)).text
    seen = set(re.findall(r"Piece \d\d", first)) | set(re.findall(r"Piece \d\d", second))
    assert seen == {f"Piece {n:02d}" for n in range(23)}


async def test_profile_shows_works_and_a_media_grid(client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient) -> None:
    await publish_page(client, {"file_1": ("square.png", png(), "image/png")}, title="Pictured", alt_1="A small red square")
    await publish_page(client, title="Just words")
    profile = (await anonymous.get("/@alice", headers=HTML)).text
    grid = profile.split('id="media-heading"', 1)[1].split("</section>", 1)[0]
    assert 'alt="A small red square"' in grid and "Just words" not in grid
    works = profile.split('id="works-heading"', 1)[1]
    assert "Pictured" in works and "Just words" in works


async def test_pages_have_ordered_headings_and_alt_on_every_image(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    path = await publish_page(client, {"file_1": ("square.png", png(), "image/png")}, title="Accessible")
    for page_path in (path, "/local", "/@alice", "/contributions/new"):
        viewer = client if page_path == "/contributions/new" else anonymous
        elements = Elements((await viewer.get(page_path, headers=HTML)).text)
        levels = [int(t[1]) for t, _ in elements.tags if re.fullmatch(r"h[1-6]", t)]
        assert levels[0] == 1, page_path
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (page_path, levels)
        assert all("alt" in a for t, a in elements.tags if t == "img"), page_path
        assert [t for t, _ in elements.tags if t in ("main", "nav", "header")], page_path


async def test_a_timeline_page_costs_the_same_queries_for_2_or_8_cards(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def queries_for(path: str) -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            assert (await bob_client.get(path, headers=HTML)).status_code == 200
        return sum(1 for record in caplog.records if record.name == "tortoise.db_client")

    async def add(n: int) -> None:
        for i in range(n):
            path = await publish_page(client, {"file_1": ("s.png", png(), "image/png")}, title=f"Card {i}", alt_1="x")
            await submit(bob_client, path, f"{path}/like")

    await add(2)
    few = {path: await queries_for(path) for path in ("/local", "/@alice")}
    await add(6)
    many = {path: await queries_for(path) for path in ("/local", "/@alice")}
    assert few == many and few["/local"] > 0


async def test_remote_contributions_show_safely_and_can_be_liked(
    bob_client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    eve = await Actor.create(
        uri="https://remote.example/users/eve", username="eve", domain="remote.example", name="Eve",
        url="javascript:alert(1)", icon_url="javascript:alert(2)", inbox="https://remote.example/users/eve/inbox",
    )
    note = await Contribution.create(
        uri="https://remote.example/notes/1", url="javascript:alert(3)", author=eve, title="Remote piece",
        content_html="<p>Hello from afar</p>", published_at=datetime.now(UTC),
        license="http://creativecommons.org/licenses/by/4.0/legalcode",
    )
    await Contribution.create(
        uri="https://remote.example/notes/2", url="https://remote.example/@eve/2", author=eve, title="Remote reply",
        in_reply_to_uri="javascript:alert(5)", published_at=datetime.now(UTC),
    )
    await MediaAttachment.create(contribution=note, kind="image", media_type="image/png",
                                 remote_url="javascript:alert(4)", description="Remote alt")
    await MediaAttachment.create(contribution=note, kind="image", media_type="image/png", position=1,
                                 remote_url="https://remote.example/files/a.png", description="Real remote picture")
    page = (await anonymous.get("/federated", headers=HTML)).text
    assert "Remote piece" in page and "Hello from afar" in page and "@eve@remote.example" in page
    assert 'alt="Real remote picture"' in page and "Remote alt" not in page
    assert "CC BY 4.0" in page  # a peer's legalcode IRI still names the licence
    assert_nothing_executable(page)

    form = (await bob_client.get("/federated", headers=HTML)).text
    assert f'action="/remote-contributions/{note.id}/like"' in form
    liked = await submit(bob_client, "/federated", f"/remote-contributions/{note.id}/like", back="/federated")
    assert liked.status_code == 303 and liked.headers["location"] == "/federated"
    assert await Like.filter(contribution=note).count() == 1
    assert "1 like<" in (await bob_client.get("/federated", headers=HTML)).text

    bob = await Actor.get(username="bob")
    await Follow.create(follower=bob, followed=eve, state="accepted", activity_uri="https://hit.test/follows/1")
    home = (await bob_client.get("/home", headers=HTML)).text
    assert "Remote reply" in home and "Replying to an earlier contribution" in home
    assert_nothing_executable(home)


def video_card(**changes: object) -> dict[str, object]:
    video = {"kind": "video", "url": "https://hit.test/media/v.webm", "media_type": "video/webm", "alt": "A clip",
             "width": 1280, "height": 720, "poster_url": "https://hit.test/media/p.webp", "description": "A clip"}
    card = {"title": "Clip", "label": "Clip", "summary": "", "sensitive": False, "kind": "video",
            "content_html": "<p>Watch <strong>this</strong> &amp; that</p>", "attachments": [video],
            "page_url": "https://hit.test/contributions/1", "published": datetime(2026, 1, 2, tzinfo=UTC),
            "author": {"handle": "@alice@hit.test"}}
    return {**card, **changes}


def test_video_gets_a_player_card_sized_like_the_video() -> None:
    tags = {(key, content) for _, key, content in page_meta(video_card(), "https://hit.test/contributions/1/embed", "hit.test")}
    assert ("twitter:card", "player") in tags and ("og:type", "video.other") in tags
    assert ("og:video", "https://hit.test/media/v.webm") in tags and ("og:video:type", "video/webm") in tags
    assert ("twitter:player", "https://hit.test/contributions/1/embed") in tags
    assert ("twitter:player:width", "1280") in tags and ("twitter:player:height", "720") in tags
    assert ("og:image", "https://hit.test/media/p.webp") in tags
    assert ("og:description", "Watch this & that") in tags


def test_sensitive_media_stays_out_of_previews() -> None:
    card = video_card(summary="Flashing lights", sensitive=True)
    tags = {(key, content) for _, key, content in page_meta(card, "https://hit.test/contributions/1/embed", "hit.test")}
    assert ("twitter:card", "summary") in tags and ("og:description", "Content warning: Flashing lights") in tags
    assert not {key for key, _ in tags} & {"og:image", "og:video", "twitter:player"}
