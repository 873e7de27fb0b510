"""Remix families stored directly as rows (contributions and their RemixSource links), for the web
tests, the browser tests and bench/remix_page.py: the shape of what part A stores when remixes
are made here or arrive from other servers, without signing or fetching anything."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.remix_sources import equal_weights
from fediverse_hit.store.models import Actor, Contribution, RemixSource

BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
DIGEST = "z" + "Q" * 46  # the shape of a base58btc sha2-256 multihash; nothing checks it here
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


async def remote_actor(username: str, domain: str) -> Actor:
    """A remote person as stored after a fetch of their actor document."""
    uri = f"https://{domain}/users/{username}"
    actor, _ = await Actor.get_or_create(
        uri=uri,
        defaults={"username": username, "domain": domain, "name": username.capitalize(), "url": f"https://{domain}/@{username}",
                  "inbox": f"{uri}/inbox"},
    )
    return actor


async def add_work(author: Actor, title: str, urls: InstanceUrls, *, minutes: int = 0, upstream_share: int | None = None,
                   visibility: str = "public") -> Contribution:
    """A contribution by `author`: local (with a local id) when the author is local."""
    when = START + timedelta(minutes=minutes)
    if author.local:
        local_id = str(await Contribution.filter(local=True).count() + 1000)
        uri, url = urls.contribution(local_id), urls.contribution(local_id)
    else:
        local_id, uri = None, f"https://{author.domain}/works/{random.Random(title + str(minutes)).randrange(10**12)}"
        url = uri
    return await Contribution.create(
        uri=uri, local_id=local_id, url=url, author=author, local=author.local, title=title,
        content_html=f"<p>{title}</p>", license=BY_SA, visibility=visibility, published_at=when,
        upstream_share=upstream_share,
    )


async def cite(remix: Contribution, sources: list[Contribution | str], weights: tuple[int, ...] | None = None,
               state: str = "verified") -> None:
    """Store `remix`'s pinned sources (a contribution known here, or just an IRI)."""
    weights = weights or equal_weights(len(sources))
    for position, (source, weight) in enumerate(zip(sources, weights, strict=True)):
        known = source if isinstance(source, Contribution) else None
        author = await known.author if known else None
        await RemixSource.create(
            remix=remix, position=position, source=known,
            source_uri=known.uri if known else str(source),
            author_uris=[author.uri] if isinstance(author, Actor) else [f"https://{str(source).split('/')[2]}/users/someone"],
            digest_multibase=DIGEST, weight=weight, licence=BY_SA, link_state=state,
        )


async def build_large_family(center: Contribution, authors: list[Actor], urls: InstanceUrls, size: int,
                             seed: int = 7) -> None:
    """`size` works around `center`: a third above it (each citing the one before and up to two
    more earlier ones, so the center reaches them all), the rest below (each remixing one or two
    works already in the family)."""
    rng = random.Random(seed)
    above: list[Contribution] = []
    for index in range(size // 3):
        work = await add_work(authors[index % len(authors)], f"Source {index}", urls, minutes=index)
        if above:
            await cite(work, [above[-1], *rng.sample(above[:-1], min(len(above) - 1, rng.randint(0, 2)))])
        above.append(work)
    await cite(center, [above[-1], *rng.sample(above[:-1], 2)])
    family = [center]
    for index in range(size - size // 3):
        work = await add_work(authors[index % len(authors)], f"Remix {index}", urls, minutes=10_000 + index,
                              upstream_share=5000)
        await cite(work, rng.sample(family, min(len(family), rng.randint(1, 2))))
        family.append(work)
