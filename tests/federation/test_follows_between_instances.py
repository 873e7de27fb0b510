"""Following across three real instances (subprocesses, own databases, real signed HTTP):
C2S follow, accept, locked accounts, unfollow, blocks, account deletion, a server that is down."""

from __future__ import annotations

import time
from contextlib import closing

import httpx
import pytest

from tests.federation_steps import PASSWORD, c2s, eventually, make_user, members
from tests.instances import InstanceFactory
from tests.peer import AS2
from tests.web_session import logged_in, submit

pytestmark = pytest.mark.federation


def test_c2s_follow_is_accepted_and_both_collections_show_it(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    bob, _ = make_user(a, "bob")
    alice, token = make_user(b, "alice")
    response = c2s(b, "alice", token, {"type": "Follow", "actor": alice, "object": bob})
    assert response.status_code == 201 and response.headers["Location"].startswith(b.base_url)
    eventually(lambda: members(a, "bob", "followers") == [alice], "bob's followers list alice")
    eventually(lambda: members(b, "alice", "following") == [bob], "alice's following lists bob")

    undo = c2s(b, "alice", token, {"type": "Undo", "actor": alice, "object": response.headers["Location"]})
    assert undo.status_code == 201
    eventually(lambda: members(a, "bob", "followers") == [], "bob's followers empty after Undo")
    assert members(b, "alice", "following") == []


def test_locked_account_approves_request_through_its_page(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    carol, _ = make_user(a, "carol")
    alice, token = make_user(b, "alice")
    with closing(logged_in(a.base_url, "carol", PASSWORD)) as web:
        settings = web.get("/settings")
        assert settings.status_code == 200
        submit(web, "/settings", "/settings", {"display_name": "Carol", "manually_approves_followers": "on"})
        assert httpx.get(carol, headers={"Accept": AS2}).json()["manuallyApprovesFollowers"] is True

        assert c2s(b, "alice", token, {"type": "Follow", "actor": alice, "object": carol}).status_code == 201
        eventually(lambda: "alice" in web.get("/follow-requests").text, "the request shows on carol's page")
        assert members(a, "carol", "followers") == []
        approved = submit(web, "/follow-requests", "/follow-requests/approve", {"actor_uri": alice})
        assert approved.status_code == 303
        eventually(lambda: members(b, "alice", "following") == [carol], "alice's follow is accepted")
        assert members(a, "carol", "followers") == [alice]


def test_block_removes_follow_on_both_servers(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    bob, _ = make_user(a, "bob")
    alice, token = make_user(b, "alice")
    c2s(b, "alice", token, {"type": "Follow", "actor": alice, "object": bob})
    eventually(lambda: members(b, "alice", "following") == [bob], "alice follows bob")
    with closing(logged_in(a.base_url, "bob", PASSWORD)) as web:
        assert submit(web, f"/search?q={alice}", "/relationships/block", {"actor_uri": alice}).status_code == 303
        assert members(a, "bob", "followers") == []
        eventually(lambda: members(b, "alice", "following") == [], "alice's server drops the follow")
        again = c2s(b, "alice", token, {"type": "Follow", "actor": alice, "object": bob})
        assert again.status_code == 403  # alice's server recorded bob's Block and refuses the follow
        assert members(a, "bob", "followers") == []


def test_deleted_account_is_gone_everywhere(instances: InstanceFactory) -> None:
    a, b, c = instances.start(3)
    bob, _ = make_user(a, "bob")
    alice, alice_token = make_user(b, "alice")
    dave, dave_token = make_user(c, "dave")
    c2s(b, "alice", alice_token, {"type": "Follow", "actor": alice, "object": bob})
    c2s(c, "dave", dave_token, {"type": "Follow", "actor": dave, "object": bob})
    eventually(lambda: len(members(a, "bob", "followers")) == 2, "two followers")
    with closing(logged_in(a.base_url, "bob", PASSWORD)) as web:
        assert submit(web, "/settings/delete", "/settings/delete", {"password": PASSWORD}).status_code == 303
        assert httpx.get(bob, headers={"Accept": AS2}).status_code == 410
        finger = httpx.get(a.url("/.well-known/webfinger"), params={"resource": f"acct:bob@{a.domain}"})
        assert finger.status_code == 410
        eventually(lambda: members(b, "alice", "following") == [], "alice's server saw the Delete")
        eventually(lambda: members(c, "dave", "following") == [], "dave's server saw the Delete")


def test_delivery_to_a_server_that_was_down_lands_when_it_returns(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    bob, _ = make_user(a, "bob")
    alice, token = make_user(b, "alice")
    assert httpx.get(b.url("/search"), params={"q": bob}).status_code == 200  # B now knows bob
    a.stop()
    assert c2s(b, "alice", token, {"type": "Follow", "actor": alice, "object": bob}).status_code == 201
    time.sleep(2)  # the first attempt fails while A is down
    a.start()
    b.cli("deliveries", "retry")  # the operator's "it is back, try now" instead of waiting
    eventually(lambda: members(a, "bob", "followers") == [alice], "the retried Follow lands", timeout=60)
    eventually(lambda: members(b, "alice", "following") == [bob], "the Accept comes back", timeout=60)
