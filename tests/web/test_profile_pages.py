"""Local profile pages in one in-process instance: counts, the follow button and "Edit profile",
pinned works shown once, follower lists that respect hidden collections, the generated avatar,
"Follow from your server" (against a mock network), and search by words."""

from __future__ import annotations

import re

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.models import Account
from fediverse_hit.web.avatars import initials_of
from tests.asgi_forms import HTML, csrf_from
from tests.inbox_harness import InboxHarness, inbox
from tests.web.test_contribution_pages import publish_page

__all__ = ["inbox"]
pytestmark = pytest.mark.anyio
FROM_OUR_PAGE = {"Sec-Fetch-Site": "same-origin"}  # what a browser sends with a form posted from our own page


async def test_own_profile_offers_edit_and_another_offers_follow_with_counts(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    await publish_page(client, title="Tide tables", source="High water at six.")
    own = (await client.get("/@alice", headers=HTML)).text
    assert ">Edit profile</a>" in own and "/relationships/follow" not in own

    theirs = (await bob_client.get("/@alice", headers=HTML)).text
    assert "<strong>1</strong> work" in theirs and "<strong>0</strong> followers" in theirs
    token = await csrf_from(bob_client, "/@alice")
    followed = await bob_client.post("/relationships/follow", data={"csrf_token": token, "actor_uri": own_uri(own), "back": "/@alice"})
    assert followed.status_code == 303 and followed.headers["location"] == "/@alice"
    after = (await bob_client.get("/@alice", headers=HTML)).text
    assert "<strong>1</strong> follower<" in after and ">Unfollow<" in after
    followers = (await bob_client.get("/@alice/followers", headers=HTML)).text
    assert 'href="http://' in followers and "@bob@" in followers


def own_uri(page: str) -> str:
    match = re.search(r'<link rel="alternate" type="application/activity\+json" href="([^"]+)">', page)
    assert match
    return match.group(1)


async def test_a_pinned_work_is_shown_once(client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient) -> None:
    path = await publish_page(client, title="Pinned piece", source="Look at this first.")
    await publish_page(client, title="Other piece", source="And then this.")
    token = await csrf_from(client, path)
    assert (await client.post(f"{path}/pin", data={"csrf_token": token})).status_code == 303

    page = (await anonymous.get("/@alice", headers=HTML)).text
    assert page.count(">Pinned piece</a>") == 1
    assert page.index("Pinned piece") < page.index("Other piece")


async def test_hidden_lists_are_shown_only_to_their_owner(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    alice.hide_collections = True
    await alice.save()
    hidden = (await anonymous.get("/@alice/following", headers=HTML)).text
    assert "keeps this list private" in hidden
    own = (await client.get("/@alice/following", headers=HTML)).text
    assert "keeps this list private" not in own and "Not following anyone yet." in own
    # Tried: a page number that is no number.
    assert (await anonymous.get("/@alice/followers?page=-1", headers=HTML)).status_code == 400


async def test_a_person_without_an_avatar_gets_their_initials(anonymous: httpx.AsyncClient, urls: InstanceUrls) -> None:
    await create_account("ada", "correct horse battery", urls)
    page = (await anonymous.get("/@ada", headers=HTML)).text
    assert re.search(r'<svg class="avatar avatar-default"[^>]*aria-hidden="true"', page)
    assert ">A</text>" in page
    assert initials_of("Ada Lovelace") == "AL" and initials_of("@@") == "?" and initials_of("été ici") == "ÉI"


def serve_jrd(harness: InboxHarness, links: list[dict[str, str]]) -> None:
    url = "https://remote.example/.well-known/webfinger?resource=acct%3Azoe%40remote.example"
    harness.network.documents[url] = {"subject": "acct:zoe@remote.example", "links": links}


async def test_follow_from_your_server_sends_the_visitor_to_their_servers_template(
    inbox: InboxHarness, anonymous: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    await create_account("ada", "correct horse battery", urls)
    serve_jrd(inbox, [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "https://remote.example/authorize_interaction?uri={uri}"}])
    page = await anonymous.get("/@ada", headers=HTML)
    assert "Follow from your server" in page.text and "set-cookie" not in page.headers  # the page is the same for everyone

    sent = await anonymous.post("/@ada/remote-follow", data={"handle": "@zoe@remote.example"}, headers=FROM_OUR_PAGE)
    # An older browser sends only Origin; a script sends neither (and could forge nothing for anyone).
    by_origin = await anonymous.post("/@ada/remote-follow", data={"handle": "@zoe@remote.example"}, headers={"Origin": urls.base})
    by_script = await anonymous.post("/@ada/remote-follow", data={"handle": "@zoe@remote.example"})

    assert sent.status_code == by_origin.status_code == by_script.status_code == 303
    assert sent.headers["location"] == "https://remote.example/authorize_interaction?uri=" + urls.user("ada").replace(":", "%3A").replace("/", "%2F")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},  # tried: an auto-submitting form elsewhere
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.remote.example"},  # tried: a sibling subdomain
        {"Origin": "https://evil.example"},  # tried: an older browser, no Sec-Fetch-Site
        {"Origin": "null"},  # tried: a sandboxed frame
    ],
)
async def test_follow_from_your_server_refuses_a_form_posted_from_another_site(
    inbox: InboxHarness, anonymous: httpx.AsyncClient, urls: InstanceUrls, headers: dict[str, str]
) -> None:
    """Without a token the form must not become an open redirect: another site cannot make a
    visitor's browser post it and be sent on to a server of the attacker's choosing."""
    await create_account("ada", "correct horse battery", urls)
    serve_jrd(inbox, [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "https://remote.example/authorize_interaction?uri={uri}"}])
    sent = await anonymous.post("/@ada/remote-follow", data={"handle": "@zoe@remote.example"}, headers=headers)
    assert sent.status_code == 403
    assert "location" not in sent.headers


@pytest.mark.parametrize(
    ("handle", "links", "problem"),
    [
        ("zoe", [], "Enter your handle as @you@your.server."),  # tried: no host
        # tried: a template that would run script on our page's behalf
        ("@zoe@remote.example", [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "javascript:alert(1)//{uri}"}],
         "does not say where to follow"),
        ("@zoe@remote.example", [], "does not say where to follow"),  # tried: a server without remote follow
    ],
)
async def test_follow_from_your_server_explains_what_went_wrong(
    inbox: InboxHarness, anonymous: httpx.AsyncClient, urls: InstanceUrls, handle: str, links: list[dict[str, str]], problem: str
) -> None:
    await create_account("ada", "correct horse battery", urls)
    serve_jrd(inbox, links)
    answer = await anonymous.post("/@ada/remote-follow", data={"handle": handle}, headers=FROM_OUR_PAGE)
    assert answer.status_code == 422
    assert problem in answer.text


async def test_search_finds_people_by_name_and_hashtags_in_use(
    client: httpx.AsyncClient, alice: Account, anonymous: httpx.AsyncClient
) -> None:
    actor = await alice.actor
    actor.name = "Alice Liddell"
    await actor.save()
    await publish_page(client, title="Rabbits", source="Down the hole #wonderland")
    by_name = (await anonymous.get("/search", params={"q": "liddell"}, headers=HTML)).text
    assert 'href="http://' in by_name and "Alice Liddell" in by_name
    by_tag = (await anonymous.get("/search", params={"q": "#wonder"}, headers=HTML)).text
    assert ">#wonderland</a>" in by_tag and "1 work" in by_tag
