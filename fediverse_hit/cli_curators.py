"""`fediverse-hit project curator add|remove SLUG PERSON`: the operator changes a project's
curators (PERSON a local name, a `user@host` handle or an actor URL); the project announces the
change to its followers like a curator's C2S `Add`/`Remove` (federation/project_actions.py)."""

from __future__ import annotations

import argparse
from typing import Any

from fediverse_hit.errors import HitError
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import create_http_client
from fediverse_hit.federation.project_actions import ProjectAction, change_curators, resolve_person
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.settings import Settings
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.projects import find_project


async def _cmd_curator(settings: Settings, args: argparse.Namespace) -> None:
    await open_database(settings.database_url)
    try:
        project = await find_project(args.slug.lower())
        if project is None:
            raise HitError(f"No project named {args.slug!r}.")
        person = args.person if "@" in args.person.lstrip("@") or "://" in args.person else f"{args.person}@{settings.domain}"
        async with create_http_client(settings) as client:
            fetcher = Fetcher(client, settings, None)
            actor = await resolve_person(person, fetcher)
            action = ProjectAction.ADD_CURATOR if args.change == "add" else ProjectAction.REMOVE_CURATOR
            announced = await change_curators(project, None, action, actor, InstanceUrls(settings.scheme, settings.domain))
    finally:
        await close_database()
    done = "added to" if args.change == "add" else "removed from"
    if announced is None:
        done = "already a curator of" if args.change == "add" else "not a curator of"
    print(f"{actor.uri} {done} {project.slug}")


def add_curator_commands(project_commands: Any) -> None:
    """Add `curator add|remove` under `fediverse-hit project`."""
    curator = project_commands.add_parser("curator", help="add or remove a curator of a project")
    curator.add_argument("change", choices=("add", "remove"))
    curator.add_argument("slug", metavar="SLUG")
    curator.add_argument("person", metavar="PERSON", help="a local user name, a user@host handle or an actor URL")
    curator.set_defaults(run=_cmd_curator)
