"""Remote people and works shown here, in-process against a mock network of remote servers:
which outbox items are kept (the origin rule), the outbox cache, pasted work URLs, and links in
cards that lead to local pages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fediverse_hit.store.models import Account, Contribution
from tests.inbox_harness import PUBLIC, InboxHarness, RemotePerson, inbox

__all__ = ["inbox"]
pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}


def serve_outbox(harness: InboxHarness, person: RemotePerson, items: list[Any], total: int | None = None) -> None:
    """`person`'s outbox with `items` on its first page (as Mastodon serves it: `first` by URL)."""
    outbox = f"{person.actor_id}/outbox"
    harness.network.serve({"@context": "https://www.w3.org/ns/activitystreams", "id": outbox,
                           "type": "OrderedCollection", "totalItems": total if total is not None else len(items),
                           "first": f"{outbox}?page=true"})
    harness.network.serve({"@context": "https://www.w3.org/ns/activitystreams", "id": f"{outbox}?page=true",
                           "type": "OrderedCollectionPage", "partOf": outbox, "orderedItems": items})


async def test_a_remote_profile_shows_the_outbox_works_that_are_the_persons_own(
    inbox: InboxHarness, anonymous: httpx.AsyncClient
) -> None:
    bob = inbox.network.person("bob")
    eve = inbox.network.person("eve", "elsewhere.example")
    await inbox.remote_actor(bob)
    own = bob.create(bob.note(1, content="<p>Harbour sketches</p>"), "1")
    # Tried: a Create by bob of eve's note, eve's Create in bob's outbox, a note named by IRI on
    # another host, and an Announce. Only bob's own note on his own host is kept.
    claimed = bob.create(eve.note(2, content="<p>Eve's note in bob's outbox</p>"), "2")
    foreign = eve.create(eve.note(3, content="<p>Eve's Create</p>"), "3")
    elsewhere = bob.create("https://elsewhere.example/notes/4", "4")
    boost = bob.activity("Announce", "https://elsewhere.example/notes/5", "5")
    serve_outbox(inbox, bob, [own, claimed, foreign, elsewhere, boost], total=42)

    page = await anonymous.get("/@bob@remote.example", headers=HTML)

    assert page.status_code == 200
    assert "Harbour sketches" in page.text
    assert "Eve" not in page.text
    assert "<strong>42</strong> works" in page.text
    assert not inbox.network.fetched("elsewhere.example")
    assert await Contribution.filter(local=False).count() == 1


async def test_an_outbox_is_read_once_per_while_and_not_on_another_host(
    inbox: InboxHarness, anonymous: httpx.AsyncClient
) -> None:
    bob = inbox.network.person("bob")
    serve_outbox(inbox, bob, [bob.create(bob.note(1, content="<p>First light</p>"))])
    await inbox.remote_actor(bob)
    for _ in range(2):
        assert "First light" in (await anonymous.get("/@bob@remote.example", headers=HTML)).text
    assert inbox.network.fetched().count(f"{bob.actor_id}/outbox") == 1

    # Tried: an actor whose outbox lives on another server (which could speak for anyone).
    mallory = RemotePerson("remote.example", "mallory", bob.rsa, bob.ed25519)
    document = {**mallory.document(), "outbox": "https://elsewhere.example/outbox"}
    inbox.network.serve(document)
    await inbox.remote_actor(mallory)
    page = await anonymous.get("/@mallory@remote.example", headers=HTML)
    assert page.status_code == 200 and "No contributions yet" in page.text
    assert not inbox.network.fetched("elsewhere.example")


async def test_a_pasted_work_url_opens_its_page_here_with_local_links(
    inbox: InboxHarness, client: httpx.AsyncClient, alice: Account
) -> None:
    bob = inbox.network.person("bob")
    await inbox.remote_actor(bob)
    note = bob.note(7, url="https://remote.example/@bob/7",
                    content='<p>Night ferry <a href="https://remote.example/tags/Sea" class="mention hashtag" rel="tag">#<span>Sea</span></a> '
                            '<a href="https://remote.example/@eve" class="u-url mention">@<span>eve</span></a></p>')
    inbox.network.serve(note)
    # Mastodon answers a post's page address with the canonical IRI as `id`.
    inbox.network.documents["https://remote.example/@bob/7"] = note

    found = await client.get("/search", params={"q": "https://remote.example/@bob/7"}, headers=HTML)

    assert found.status_code == 303
    work = await client.get(found.headers["location"], headers=HTML)
    assert work.status_code == 200 and "Night ferry" in work.text
    assert 'href="/tags/sea"' in work.text
    assert 'href="/@eve@remote.example"' in work.text
    assert 'href="https://remote.example/@bob/7"' in work.text  # open on their server
    assert 'href="/@bob@remote.example"' in work.text  # the author's page here


async def test_a_pasted_url_whose_answer_speaks_for_another_host_is_refused(
    inbox: InboxHarness, client: httpx.AsyncClient, alice: Account
) -> None:
    eve = inbox.network.person("eve", "elsewhere.example")
    # Tried: remote.example answers with a note claiming an id on elsewhere.example.
    inbox.network.documents["https://remote.example/notes/9"] = eve.note(9, content="<p>Forged</p>")

    page = await client.get("/search", params={"q": "https://remote.example/notes/9"}, headers=HTML)

    assert page.status_code == 404
    assert "speaks for another server" in page.text
    assert await Contribution.filter(local=False).count() == 0


async def test_following_a_remote_person_stores_their_earlier_works(
    inbox: InboxHarness, client: httpx.AsyncClient, alice: Account
) -> None:
    bob = inbox.network.person("bob")
    await inbox.remote_actor(bob)
    serve_outbox(inbox, bob, [])
    assert "No contributions yet" in (await client.get("/@bob@remote.example", headers=HTML)).text
    serve_outbox(inbox, bob, [bob.create(bob.note(1, content="<p>Tide tables</p>", to=[PUBLIC]))])

    page = await client.get("/@bob@remote.example", headers=HTML)
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    followed = await client.post("/relationships/follow", data={
        "csrf_token": token, "actor_uri": bob.actor_id, "back": "/@bob@remote.example"})

    assert followed.status_code == 303
    after = await client.get("/@bob@remote.example", headers=HTML)
    assert "Tide tables" in after.text  # the cache was refreshed by the follow
    assert "Requested" in after.text or "Unfollow" in after.text


async def test_a_remote_header_image_is_shown_and_a_script_address_is_not(
    inbox: InboxHarness, anonymous: httpx.AsyncClient
) -> None:
    bob = inbox.network.person("bob")
    header = {"type": "Image", "mediaType": "image/jpeg", "url": "https://remote.example/h.jpg", "name": "Cliffs"}
    inbox.network.serve({**bob.document(), "image": header, "summary": '<p>Hi<script>alert(1)</script></p>'})
    await inbox.remote_actor(bob)
    serve_outbox(inbox, bob, [])
    page = (await anonymous.get("/@bob@remote.example", headers=HTML)).text
    assert '<img class="profile-banner" src="https://remote.example/h.jpg" alt="Cliffs">' in page
    assert "<script>alert" not in page and "<p>Hi</p>" in page

    # Tried: a header whose address would run script.
    eve = inbox.network.person("eve")
    inbox.network.serve({**eve.document(), "image": {"type": "Image", "url": "javascript:alert(1)"}})
    await inbox.remote_actor(eve)
    serve_outbox(inbox, eve, [])
    page = (await anonymous.get("/@eve@remote.example", headers=HTML)).text
    assert "profile-banner" not in page and "javascript:" not in page


async def test_another_spelling_of_a_handle_redirects_to_the_one_page(
    inbox: InboxHarness, anonymous: httpx.AsyncClient
) -> None:
    bob = inbox.network.person("bob")
    await inbox.remote_actor(bob)
    answer = await anonymous.get("/@BOB@Remote.Example", headers=HTML)
    assert answer.status_code == 303 and answer.headers["location"] == "/@bob@remote.example"
    assert not any("webfinger" in url for url in inbox.network.fetched())  # the stored copy was used
    # Tried: a handle of a server that does not answer WebFinger.
    missing = await anonymous.get("/@nobody@remote.example", headers=HTML)
    assert missing.status_code == 404 and "Could not find @nobody@remote.example" in missing.text


async def test_authorize_interaction_opens_the_person_here_after_logging_in(
    inbox: InboxHarness, anonymous: httpx.AsyncClient, client: httpx.AsyncClient, alice: Account
) -> None:
    bob = inbox.network.person("bob")
    await inbox.remote_actor(bob)
    sent = await anonymous.get("/authorize-interaction", params={"uri": bob.actor_id}, headers=HTML)
    assert sent.status_code == 303 and sent.headers["location"].startswith("http://")
    assert "/login?next=%2Fauthorize-interaction%3Furi%3Dhttps%253A%252F%252Fremote.example%252Fusers%252Fbob" in sent.headers["location"]
    opened = await client.get("/authorize-interaction", params={"uri": bob.actor_id}, headers=HTML)
    assert opened.status_code == 303 and opened.headers["location"] == "/@bob@remote.example"
