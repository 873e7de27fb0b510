"""Run in a real instance's environment (its HIT_* settings): store a remix by a local user of a
source fetched from another instance, as a server that made the remix keeps it: the source's exact
bytes as a snapshot, its author's actor document, and the remix signed with the user's key.

    python -m tests.chain_instance_rows USERNAME TITLE SOURCE_URL

Prints the remix's IRI. Tests use it until remixes can be made through the outbox.
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.settings import load_settings
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.chain_documents import keep_chain_document, keep_key_document
from fediverse_hit.store.database import close_database, open_database
from tests.chain_rows import store_local_work
from tests.protocol.chain_worlds import Cite

AS2 = "application/activity+json"


def fetch_text(url: str) -> str:
    response = httpx.get(url, headers={"Accept": AS2}, timeout=15, trust_env=False)
    response.raise_for_status()
    return response.text


async def store_remix(username: str, title: str, source_url: str) -> str:
    settings = load_settings()
    urls = InstanceUrls(scheme=settings.scheme, domain=settings.domain)
    source_text = fetch_text(source_url)
    source = json.loads(source_text)
    author_id = str(source["attributedTo"])
    await open_database(settings.database_url)
    try:
        await keep_chain_document(compute_digest_multibase(source), source_url, source_text)
        await keep_key_document(author_id, fetch_text(author_id))
        actor = await find_local_actor(username)
        assert actor is not None, f"no local user {username}"
        remix = await store_local_work(actor, urls, title, [Cite(source, 10000)])
        return remix.uri
    finally:
        await close_database()


if __name__ == "__main__":
    print(asyncio.run(store_remix(*sys.argv[1:4])))
