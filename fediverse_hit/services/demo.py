"""Seeding a demo instance: an admin and a few creators with filled-in profiles."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fediverse_hit.services.accounts import create_account, set_password
from fediverse_hit.services.iris import ActorIris
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.models import Account

DEMO_ADMIN = "admin"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    name: str
    bio: str
    fields: tuple[tuple[str, str], ...]
    payment_links: tuple[tuple[str, str], ...]


DEMO_PEOPLE = (
    DemoPerson(
        "ada",
        "Ada Okafor",
        "Poet and sound collage maker.\n\nI write short poems and invite anyone to set them to music.",
        (("Pronouns", "she/her"), ("Works in", "text, audio")),
        (("Tip jar", "https://pay.example/ada"),),
    ),
    DemoPerson(
        "bashir",
        "Bashir Haddad",
        "Bass player. Remixes welcome: everything I post is CC BY 4.0.",
        (("Instrument", "fretless bass"),),
        (),
    ),
    DemoPerson(
        "chen",
        "Chen Wei",
        "Illustrator drawing one small creature a day.",
        (("Pronouns", "they/them"), ("Portfolio", "https://chen.example/")),
        (("Support", "https://pay.example/chen"),),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    name: str = ""  # the creator's display name; empty for the admin


async def seed_demo(iris: ActorIris) -> list[DemoLogin]:
    """Create the demo people (once) and give the admin and every creator a fresh password.

    Returns the logins, the admin's first: a newcomer can log in as two creators (in two
    browsers) and try replies, likes and notifications between them right away.
    """
    admin_password = secrets.token_urlsafe(12)
    admin = await find_account(DEMO_ADMIN)
    if admin is None:
        await create_account(DEMO_ADMIN, admin_password, iris, is_admin=True, allow_reserved=True)
    else:
        await set_password(admin, admin_password)
    logins = [DemoLogin(DEMO_ADMIN, admin_password)]
    for person in DEMO_PEOPLE:
        password = secrets.token_urlsafe(12)
        account = await find_account(person.username)
        if account is None:
            account = await create_account(person.username, password, iris)
            await _fill_profile(account, person)
        else:
            await set_password(account, password)
        logins.append(DemoLogin(person.username, password, person.name))
    return logins


async def _fill_profile(account: Account, person: DemoPerson) -> None:
    actor = await account.actor
    actor.name = person.name
    actor.summary = person.bio
    actor.profile_fields = [{"name": n, "value": v} for n, v in person.fields]
    actor.payment_links = [{"name": n, "href": h} for n, h in person.payment_links]
    await actor.save()
