"""People and contributions made straight in a real (throwaway) database, for the fast tests of
the rules and of who is told what."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from fediverse_hit.protocol.vocabulary import FollowState, Visibility
from fediverse_hit.store.models import Actor, Block, Contribution, Follow, Mention

_numbers = count(1)
BY = "https://creativecommons.org/licenses/by/4.0/"
BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/"


async def person(name: str, *, local: bool = True) -> Actor:
    domain = "hit.test" if local else "remote.example"
    return await Actor.create(
        uri=f"http://{domain}/users/{name}", username=name, domain=domain, local=local,
        followers_url=f"http://{domain}/users/{name}/followers",
    )


async def post(author: Actor, visibility: Visibility = Visibility.PUBLIC, **fields: object) -> Contribution:
    """A live contribution by `author` (local when the author is)."""
    number = next(_numbers)
    contribution = await Contribution.create(
        uri=f"{author.uri}/posts/{number}", local_id=str(number) if author.local else None,
        author=author, local=author.local, visibility=visibility, published_at=datetime.now(UTC), **fields,
    )
    contribution.author = author
    return contribution


async def follow(follower: Actor, followed: Actor, state: FollowState = FollowState.ACCEPTED) -> None:
    await Follow.create(follower=follower, followed=followed, state=state, activity_uri=f"{follower.uri}#f{next(_numbers)}")


async def block(blocker: Actor, blocked: Actor) -> None:
    await Block.create(blocker=blocker, blocked=blocked)


async def mention(contribution: Contribution, actor: Actor) -> None:
    await Mention.create(contribution=contribution, actor=actor)
