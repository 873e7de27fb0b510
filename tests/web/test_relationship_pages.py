"""The relationship pages in one instance: search input errors, local follows, follow
requests, blocks, domain-block administration and account deletion, through real forms."""

from __future__ import annotations

import re

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.models import Account, Actor, DomainBlock, Follow

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html"}


async def log_in(client: httpx.AsyncClient, username: str) -> None:
    token = CSRF.search((await client.get("/login")).text).group(1)  # type: ignore[union-attr]
    response = await client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert response.status_code == 303


async def post_form(client: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    token = CSRF.search((await client.get(page, headers=HTML)).text).group(1)  # type: ignore[union-attr]
    return await client.post(action, data={"csrf_token": token, **fields}, headers=HTML)


@pytest.fixture
async def alice(client: httpx.AsyncClient, urls: InstanceUrls) -> Account:
    account = await create_account("alice", PASSWORD, urls)
    await log_in(client, "alice")
    return account


async def test_search_explains_bad_input(client: httpx.AsyncClient) -> None:
    # Words that are no handle are searched for among people and hashtags known here: none match.
    page = await client.get("/search", params={"q": "not a handle"}, headers=HTML)
    assert page.status_code == 200
    assert "No one known here matches “not a handle”" in page.text
    too_long = await client.get("/search", params={"q": "@a@" + "b" * 600}, headers=HTML)
    assert too_long.status_code == 400 and "Enter @user@host or a profile URL." in too_long.text
    unreachable = await client.get("/search", params={"q": "@nobody@127.0.0.1:9"}, headers=HTML)
    assert unreachable.status_code == 404  # private address refused by the SSRF guard
    assert "Could not find that account" in unreachable.text


async def test_search_for_someone_on_a_local_instance_names_the_setting_that_allows_it(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/search", params={"q": "@ada@127.0.0.1:8001"}, headers=HTML)

    assert page.status_code == 404
    assert (
        "refusing to connect to 127.0.0.1 (127.0.0.1): loopback (RFC 1122). This server only "
        "federates with servers at public addresses over https. To federate with servers on this machine "
        "or on a private network (two local instances, a test setup), start it with "
        "HIT_ALLOW_PRIVATE_ADDRESSES=1."
    ) in page.text


async def test_local_follow_of_a_locked_account_waits_for_approval(
    client: httpx.AsyncClient, urls: InstanceUrls, alice: Account
) -> None:
    bob = await create_account("bob", PASSWORD, urls)
    await Actor.filter(id=bob.actor_id).update(manually_approves_followers=True)  # type: ignore[attr-defined]
    bob_uri = urls.user("bob")
    found = await client.get("/search", params={"q": bob_uri}, headers=HTML)
    assert found.status_code == 200 and ">Follow<" in found.text
    assert (await post_form(client, f"/search?q={bob_uri}", "/relationships/follow", actor_uri=bob_uri)).status_code == 303
    assert "waiting for approval" in (await client.get("/search", params={"q": bob_uri}, headers=HTML)).text

    await client.post("/logout", data={"csrf_token": CSRF.search((await client.get("/")).text).group(1)})  # type: ignore[union-attr]
    await log_in(client, "bob")
    assert "@alice@hit.test" in (await client.get("/follow-requests", headers=HTML)).text
    approved = await post_form(client, "/follow-requests", "/follow-requests/approve", actor_uri=urls.user("alice"))
    assert approved.status_code == 303
    assert (await Follow.get()).state == "accepted"


async def test_block_ends_a_local_follow_and_prevents_a_new_one(
    client: httpx.AsyncClient, urls: InstanceUrls, alice: Account
) -> None:
    await create_account("bob", PASSWORD, urls)
    bob_uri = urls.user("bob")
    await post_form(client, f"/search?q={bob_uri}", "/relationships/follow", actor_uri=bob_uri)
    assert await Follow.filter(state="accepted").count() == 1
    await post_form(client, f"/search?q={bob_uri}", "/relationships/block", actor_uri=bob_uri)
    assert await Follow.all().count() == 0
    refused = await post_form(client, f"/search?q={bob_uri}", "/relationships/follow", actor_uri=bob_uri)
    assert refused.status_code == 403
    assert await Follow.all().count() == 0


async def test_domain_blocks_are_for_admins_and_validate_input(
    client: httpx.AsyncClient, urls: InstanceUrls, alice: Account
) -> None:
    assert (await client.get("/admin/domain-blocks", headers=HTML)).status_code == 403
    await create_account("root", PASSWORD, urls, is_admin=True, allow_reserved=True)
    await log_in(client, "root")
    bad = await post_form(client, "/admin/domain-blocks", "/admin/domain-blocks", domain="not a domain!")
    assert bad.status_code == 422 and await DomainBlock.all().count() == 0
    good = await post_form(client, "/admin/domain-blocks", "/admin/domain-blocks", domain="Spam.Example", reason="spam")
    assert good.status_code == 303
    assert [b.domain for b in await DomainBlock.all()] == ["spam.example"]
    twice = await post_form(client, "/admin/domain-blocks", "/admin/domain-blocks", domain="spam.example")
    assert twice.status_code == 409


async def test_account_deletion_needs_the_password_and_leaves_410(
    client: httpx.AsyncClient, alice: Account
) -> None:
    wrong = await post_form(client, "/settings/delete", "/settings/delete", password="not it at all")
    assert wrong.status_code == 403
    assert (await client.get("/users/alice", headers={"Accept": "application/activity+json"})).status_code == 200
    deleted = await post_form(client, "/settings/delete", "/settings/delete", password=PASSWORD)
    assert deleted.status_code == 303
    assert (await client.get("/users/alice", headers={"Accept": "application/activity+json"})).status_code == 410
    assert (await client.get("/settings", headers=HTML)).status_code == 401  # the session ended
    reuse = await post_form(client, "/signup", "/signup", username="alice", password=PASSWORD)
    assert reuse.status_code == 409  # names of deleted accounts are never reused
