"""The accounts behind logged-in sessions, kept per process (issue 11): every page a person loads
looks their account and its actor up, and on a kept home page that lookup cost as much as the rest.

An entry is kept under the versions of the tables its query read (`accounts`, `actors`; see
`store/content_version.py`): a suspension, a deletion, a new session epoch (password change, "log
out everywhere") or a profile edit writes one of them and drops every entry, in this process at
once, in the others through the PostgreSQL change feed, and after a CLI command on SQLite within
`SQLITE_POLL_SECONDS`. Nothing is kept while a process is not hearing that feed, and entries expire
after `MAX_AGE_SECONDS`. Each request gets a copy of its own, so a handler that changes its
account or actor in memory changes nobody else's.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass

from fediverse_hit.store.accounts import find_account_by_id
from fediverse_hit.store.content_version import Stamp, shared_reads_trusted, tracking_reads
from fediverse_hit.store.models import Account, Actor

MAX_ENTRIES = 4096
MAX_AGE_SECONDS = 30.0


@dataclass(frozen=True)
class _Entry:
    account: Account
    stamp: Stamp
    expires: float


def _own_copy(account: Account) -> Account:
    """A copy of `account` and its (loaded) actor that a request may change freely."""
    mine = copy(account)
    actor = account.actor
    assert isinstance(actor, Actor), "the actor must be loaded"
    mine.actor = copy(actor)
    return mine


class SessionAccounts:
    """Accounts (with their actors) by id, each valid while `accounts` and `actors` are unchanged."""

    def __init__(self, *, max_entries: int = MAX_ENTRIES, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock  # seconds; tests step it
        self.max_entries = max_entries
        self.entries: OrderedDict[int, _Entry] = OrderedDict()

    async def find(self, account_id: int) -> Account | None:
        """The account with this id and its actor (None if there is none), kept or looked up."""
        entry = self.entries.get(account_id)
        if entry is not None:
            # Losing the change listener moves the global version, so no stamp holds after it.
            if entry.stamp.holds() and entry.expires > self.clock():
                self.entries.move_to_end(account_id)
                return _own_copy(entry.account)
            del self.entries[account_id]
        with tracking_reads() as tracker:
            account = await find_account_by_id(account_id)
        stamp = tracker.stamp()
        if account is not None and stamp is not None and shared_reads_trusted():
            self.entries[account_id] = _Entry(_own_copy(account), stamp, self.clock() + MAX_AGE_SECONDS)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return account
