"""Verifying attribution chains from what this server stores (the work page) and from the network
and a chain bundle (`fediverse-hit verify`), with `protocol/attribution.py` (DESIGN §7).

The algorithm and the bundle format are in docs/attribution-chains.md; the exit codes of the
command in `VerifyExit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import anyio

from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.stored_chains import collect_stored_chain
from fediverse_hit.federation.urls import InstanceUrls, chain_bundle_of
from fediverse_hit.protocol.attribution import ChainReport, verify_chain
from fediverse_hit.protocol.chain_bundles import MAX_BUNDLE_BYTES, BundleError, ChainBundle, parse_chain_bundle
from fediverse_hit.protocol.source_digests import SourceDigestError, digest_matches
from fediverse_hit.store.models import Contribution

JsonObject = dict[str, Any]
BUNDLE_ACCEPT = "application/json"


class VerifyExit(IntEnum):
    """Exit codes of `fediverse-hit verify` (README, docs/attribution-chains.md §5)."""

    HOLDS = 0  # every link verified or attested (with --strict: verified)
    BROKEN = 1  # at least one link tampered, unavailable or key mismatch (or, --strict, attested)
    USAGE = 2  # the command line is wrong (argparse's own code)
    MALFORMED = 3  # the chain as a whole is refused: a cycle, deeper than 1000, over 10,000 versions
    NO_ROOT = 4  # nothing to verify: the root cannot be fetched, or the bundle is unreadable or
    #               is for another object


async def verify_stored_chain(contribution: Contribution, urls: InstanceUrls) -> ChainReport:
    """The chain of `contribution`'s current version, checked from what is stored here (kept
    snapshots, our versions, kept actor documents); nothing is fetched. A version or key not
    stored here makes its link unavailable.

    Raises ChainError (protocol/chain_graphs.py) for a chain refused as a whole (cycle, depth
    over 1000, more than 10,000 versions), and NotFound when no copy of the root is kept.
    The Ed25519 and JCS work runs in a worker thread, so a long chain does not stall the server.
    """
    chain = await collect_stored_chain(contribution, urls)
    return await anyio.to_thread.run_sync(
        lambda: verify_chain(chain.root_document, chain.lookup_object, chain.lookup_actor)
    )


def verify_bundle(bundle: ChainBundle) -> ChainReport:
    """The chain of the bundle's root, checked from the bundle alone (`verify --offline`).

    Raises ChainError like `verify_chain`; a bundle without its root is the caller's to refuse.
    """
    root = bundle.root
    if root is None:
        raise ValueError("the bundle does not hold its root version")
    return verify_chain(root, bundle.lookup_object, bundle.actor_lookup())


@dataclass(frozen=True)
class OnlineReport:
    """A chain checked over the network: the report, where each checked version came from
    ("origin" or "bundle", by (id, digest)), and what became of the root's chain bundle."""

    report: ChainReport
    copies: Mapping[tuple[str, str], str]
    bundle_note: str


async def verify_online(url: str, fetcher: Fetcher) -> OnlineReport:
    """The chain of the object at `url`, each version fetched from its origin; a version its
    origin no longer serves (edited since, or the server is gone) is taken from the chain bundle
    of the root's server, when it has one, and the report says so. Actor documents likewise.

    Raises FetchError when the root itself cannot be fetched, ChainError like `verify_chain`.
    """
    root = await fetcher.fetch_document(url)
    bundle, note = await _fetch_bundle(str(root.get("id", "")), fetcher)
    lookups = _OnlineLookups(fetcher, bundle)

    def verify() -> ChainReport:
        return verify_chain(
            root,
            lambda object_id, digest: anyio.from_thread.run(lookups.find_object, object_id, digest),
            lambda actor_id: anyio.from_thread.run(lookups.find_actor, actor_id),
        )

    report = await anyio.to_thread.run_sync(verify)
    copies = {(report.root_id, report.links[0].digest): "origin", **lookups.copies}
    return OnlineReport(report, copies, note)


async def _fetch_bundle(root_id: str, fetcher: Fetcher) -> tuple[ChainBundle | None, str]:
    bundle_url = chain_bundle_of(root_id)
    if bundle_url is None:
        return None, "no chain bundle: the root is not a Fediverse Hit contribution"
    # Bundles may be far larger than one document (docs/attribution-chains.md §4 caps them).
    bundles = Fetcher(fetcher.client, fetcher.settings, fetcher.signer, max_bytes=MAX_BUNDLE_BYTES)
    try:
        fetched = await bundles.fetch(bundle_url, accept=BUNDLE_ACCEPT, signed=True, accept_type=None)
        bundle = parse_chain_bundle(fetched.body)
    except (FetchError, BundleError) as exc:
        return None, f"no chain bundle: {exc}"
    return bundle, f"chain bundle from {bundle_url}"


class _OnlineLookups:
    """The lookups `verify_chain` calls (from its worker thread): origin first, then the bundle."""

    def __init__(self, fetcher: Fetcher, bundle: ChainBundle | None) -> None:
        self.fetcher = fetcher
        self.bundle = bundle
        self.copies: dict[tuple[str, str], str] = {}
        self._fetched: dict[str, JsonObject | FetchError] = {}

    async def _fetch(self, url: str) -> JsonObject | FetchError:
        if url not in self._fetched:
            try:
                self._fetched[url] = await self.fetcher.fetch_document(url)
            except FetchError as exc:
                self._fetched[url] = exc
        return self._fetched[url]

    async def find_object(self, object_id: str, digest: str) -> JsonObject | None:
        live = await self._fetch(object_id)
        if not isinstance(live, FetchError) and _matches(live, digest):
            self.copies[(object_id, digest)] = "origin"
            return live
        claimed = None if self.bundle is None else self.bundle.lookup_object(object_id, digest)
        if claimed is not None:  # claimed to be the pinned version: the verifier checks the claim
            self.copies[(object_id, digest)] = "bundle"
            return claimed
        if isinstance(live, FetchError):
            raise LookupError(f"its origin answered: {live.reason}; no bundle holds it")
        raise LookupError("its origin now serves another version and no bundle holds the pinned one")

    async def find_actor(self, actor_id: str) -> JsonObject | None:
        live = await self._fetch(actor_id)
        if not isinstance(live, FetchError):
            return live
        kept = None if self.bundle is None else self.bundle.actors.get(actor_id)
        if kept is not None:
            return kept
        raise LookupError(live.reason)


def _matches(document: Mapping[str, Any], digest: str) -> bool:
    try:
        return digest_matches(document, digest)
    except SourceDigestError:
        return False
