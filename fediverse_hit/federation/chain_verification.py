"""Verifying attribution chains from what this server stores (the work page) and from the network
and a chain bundle (`fediverse-hit verify`), with `protocol/attribution.py` (DESIGN §7).

The algorithm and the bundle format are in docs/attribution-chains.md; the exit codes of the
command in `VerifyExit`.
"""

from __future__ import annotations

from enum import IntEnum

import anyio

from fediverse_hit.federation.stored_chains import collect_stored_chain
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.attribution import ChainReport, verify_chain
from fediverse_hit.protocol.chain_bundles import ChainBundle
from fediverse_hit.store.models import Contribution


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
