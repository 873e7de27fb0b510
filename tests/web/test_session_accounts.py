"""The account behind a session is kept between requests (web/session_accounts.py, issue 11), and
a suspension, a deletion, a new session epoch or a write by another process ends that at once."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.account_admin import suspend_account
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.content_version import apply_announcement, set_shared_reads_trusted
from fediverse_hit.store.models import Account
from fediverse_hit.web.session_accounts import MAX_AGE_SECONDS
from tests.asgi_forms import HTML, PASSWORD
from tests.query_counts import recorded_queries

pytestmark = pytest.mark.anyio


async def account_queries(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many queries of one `/notifications` load read the accounts table."""
    with recorded_queries(monkeypatch) as log:
        assert (await client.get("/notifications", headers=HTML)).status_code == 200
    return sum('FROM "accounts"' in query for query in log)


async def test_a_kept_session_account_costs_no_query(
    client: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fewest of three: on PostgreSQL the notice of the log-in's own write may come after a load.
    assert min([await account_queries(client, monkeypatch) for _ in range(3)]) == 0


async def test_a_suspension_ends_a_kept_session_at_once(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    assert (await client.get("/home", headers=HTML)).status_code == 200
    admin = await create_account("bob", PASSWORD, urls)
    await suspend_account(admin, await Account.get(id=alice.id))
    assert (await client.get("/home", headers=HTML)).status_code == 401


async def test_another_process_s_write_the_listener_lost_or_age_look_the_account_up_again(
    app: Starlette, client: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    await client.get("/notifications", headers=HTML)
    apply_announcement("content:accounts")  # what the PostgreSQL change feed does on a write elsewhere
    assert await account_queries(client, monkeypatch) == 1
    set_shared_reads_trusted(False)
    try:
        assert await account_queries(client, monkeypatch) == 1
        assert await account_queries(client, monkeypatch) == 1
    finally:
        set_shared_reads_trusted(True)
    await client.get("/notifications", headers=HTML)
    kept = app.state.session_accounts
    now = kept.clock()
    kept.clock = lambda: now + MAX_AGE_SECONDS + 1
    assert await account_queries(client, monkeypatch) == 1


async def test_each_lookup_gets_its_own_copy(app: Starlette, alice: Account) -> None:
    kept = app.state.session_accounts
    first = await kept.find(alice.id)
    assert first is not None
    first.session_epoch += 99
    (await first.actor).name = "Changed in memory"
    again = await kept.find(alice.id)
    assert again is not None and again is not first
    assert again.session_epoch == alice.session_epoch and (await again.actor).name != "Changed in memory"
