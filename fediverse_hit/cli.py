"""The `fediverse-hit` command line (DESIGN §3): init, serve, worker, token, demo, deliveries,
verify, the user commands of `cli_users.py`, the project commands of `cli_projects.py` and the
payment commands of `cli_payments.py`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from fediverse_hit.cli_payments import add_payment_commands
from fediverse_hit.cli_projects import add_project_commands
from fediverse_hit.cli_users import add_user_commands
from fediverse_hit.errors import HitError
from fediverse_hit.federation.chain_verification import VerifyExit, verify_bundle, verify_online
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError, create_http_client
from fediverse_hit.federation.runtime import FederationRuntime, federation_runtime
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.federation.worker import run_forever, run_once
from fediverse_hit.protocol.attribution import ChainReport
from fediverse_hit.protocol.chain_bundles import BundleError, parse_chain_bundle
from fediverse_hit.protocol.chain_graphs import ChainError
from fediverse_hit.protocol.chain_reports import Copies, chain_report_to_json, format_chain_report
from fediverse_hit.services.demo import seed_demo
from fediverse_hit.services.media import MediaLimits
from fediverse_hit.services.instance import ensure_instance_actor
from fediverse_hit.services.tokens import create_token
from fediverse_hit.settings import Settings, check_domain, ensure_data_dir, load_settings
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.change_feed import listen_for_changes
from fediverse_hit.store.deliveries import make_deliveries_due
from fediverse_hit.store.database import (
    apply_migrations,
    close_database,
    init_lock,
    open_database,
    write_migrations,
)


def _urls(settings: Settings) -> InstanceUrls:
    return InstanceUrls(scheme=settings.scheme, domain=settings.domain)


async def _with_database(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    await open_database(settings.database_url)
    try:
        await work()
    finally:
        await close_database()


async def initialize(settings: Settings) -> None:
    """Create the data dir and secret, apply migrations, create the instance actor (idempotent;
    processes running it at once on one PostgreSQL database take turns, `init_lock`)."""
    ensure_data_dir(settings)
    async with init_lock(settings.database_url):
        try:
            await apply_migrations(settings.database_url)
        finally:  # an open connection thread would keep a failed `init` from exiting
            await close_database()

        async def create_instance_actor() -> None:
            await ensure_instance_actor(_urls(settings))

        await _with_database(settings, create_instance_actor)


async def _cmd_init(settings: Settings, args: argparse.Namespace) -> None:
    await initialize(settings)
    print(f"Initialized {settings.base_url} (data in {settings.data_dir})")


async def _cmd_token_create(settings: Settings, args: argparse.Namespace) -> None:
    async def work() -> None:
        account = await find_account(args.name.lower())
        if account is None:
            raise HitError(f"No user named {args.name!r}.")
        token = await create_token(account, args.label)
        print(f"Token {args.label!r} for @{account.username}; keep it secret:", file=sys.stderr)
        print(token)

    await _with_database(settings, work)


async def _cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    await initialize(settings)

    async def work() -> None:
        # Imported here: the demo's video encoder (PyAV) is heavy, and no other command needs it.
        from fediverse_hit.federation.demo_project import seed_demo_project
        from fediverse_hit.federation.demo_remixes import seed_demo_remixes
        from fediverse_hit.services.demo_contributions import seed_demo_contributions

        urls = _urls(settings)
        logins = await seed_demo(urls)
        people = {name: actor for name in ("ada", "bashir", "chen") if (actor := await find_local_actor(name))}
        made = await seed_demo_contributions(people, urls, settings.media_dir, MediaLimits.from_settings(settings))
        async with create_http_client(settings) as client:  # every source is here: nothing is fetched
            fetcher = Fetcher(client, settings, None)
            made += await seed_demo_remixes(people, fetcher)
            project = await seed_demo_project(people, fetcher)
        print(f"Demo data ready at {settings.base_url}/ ({made} new contributions)")
        if project is not None:
            print(f"Demo project: {urls.project(project.project.slug)} (work: {project.work.uri})")
        admin, *creators = logins
        print(f"Admin login: {admin.username} / {admin.password}")
        for login in creators:
            print(f"Creator login: {login.username} / {login.password} ({login.name})")

    await _with_database(settings, work)


async def _cmd_makemigrations(settings: Settings, args: argparse.Namespace) -> None:
    paths = await write_migrations("sqlite://:memory:", args.name)
    print("\n".join(f"Created {path}" for path in paths) or "No changes detected")


def configure_logging(*, quiet: bool) -> None:
    """Our log lines on stderr: at info level a line per delivery and per inbox item processed
    (uvicorn adds one per request); with `quiet`, warnings and errors only. Libraries stay at
    warning (httpx would log every request it makes at info)."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("fediverse_hit").setLevel(logging.WARNING if quiet else logging.INFO)


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from fediverse_hit.app import create_app

    configure_logging(quiet=args.quiet)
    asyncio.run(initialize(settings))
    shown_host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    print(f"Fediverse Hit listening on http://{shown_host}:{args.port}/ (public URL {settings.base_url}/)", flush=True)
    uvicorn.run(
        create_app(settings, run_worker=not args.no_worker),
        host=args.host,
        port=args.port,
        proxy_headers=True,
        # The same proxies the app trusts for client addresses (web/client_addresses.py).
        forwarded_allow_ips=",".join(str(network) for network in settings.trusted_proxies),
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
    )


async def _cmd_worker(settings: Settings, args: argparse.Namespace) -> None:
    configure_logging(quiet=args.quiet)

    async def work() -> None:
        async with listen_for_changes(settings.database_url), federation_runtime(settings, _urls(settings)) as runtime:
            await _run_worker(runtime, once=args.once)

    await _with_database(settings, work)


def _cmd_worker_on_uvloop(settings: Settings, args: argparse.Namespace) -> None:
    """`worker` on uvloop when it is installed, as uvicorn runs `serve` and its in-process worker
    (a delivery costs 4-18 % less CPU than on asyncio's own loop: docs/benchmarks.md)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(_cmd_worker(settings, args))
        return
    uvloop.run(_cmd_worker(settings, args))


async def _run_worker(runtime: FederationRuntime, *, once: bool) -> None:
    factory, processor = runtime.client_factory(), runtime.inbox_processor()
    if once:
        report = await run_once(factory, processor)
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.deliveries.items()))
        print(f"Deliveries: {counts or 'none due'}; inbox items: {report.inbox_done} done, {report.inbox_failed} failed")
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print("Worker running; stop with Ctrl-C or SIGTERM", flush=True)
    await run_forever(stop, factory, processor)


async def _cmd_deliveries_retry(settings: Settings, args: argparse.Namespace) -> None:
    async def work() -> None:
        count = await make_deliveries_due(datetime.now(UTC), args.host)
        print(f"{count} pending deliveries will be tried now")

    await _with_database(settings, work)


async def _cmd_verify(settings: Settings, args: argparse.Namespace) -> None:
    """Verify the chain of `args.url`; the exit code says how it went (VerifyExit)."""
    try:
        if args.offline:
            report, copies, note = _verify_offline(args.url, args.offline)
        else:
            async with create_http_client(settings) as client:
                # Unsigned fetches: the command needs no instance of its own (servers that insist
                # on signed fetches answer 401, and the chain bundle then stands in for them).
                online = await verify_online(args.url, Fetcher(client, settings, None))
            report, copies, note = online.report, online.copies, online.bundle_note
    except ChainError as exc:
        _fail(args, VerifyExit.MALFORMED, f"the chain is refused as a whole: {exc}")
    except (FetchError, BundleError, OSError, ValueError) as exc:
        _fail(args, VerifyExit.NO_ROOT, f"nothing to verify: {exc}")
    code = VerifyExit.HOLDS if report.holds(args.strict) else VerifyExit.BROKEN
    if args.json:
        print(json.dumps({**chain_report_to_json(report, args.strict, copies), "source": note, "exitCode": code}, indent=2))
    else:
        print(f"Attribution chain of {args.url} ({note})")
        print("\n".join(format_chain_report(report, args.strict, copies)))
    raise SystemExit(code)


def _verify_offline(url: str, path: str) -> tuple[ChainReport, Copies, str]:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    bundle = parse_chain_bundle(data)
    if bundle.root_id != url:
        raise BundleError(f"the bundle is the chain of {bundle.root_id}, not of {url}")
    copies = {key: "bundle" for key in bundle.objects}
    return verify_bundle(bundle), copies, f"offline, from the bundle {path}"


def _fail(args: argparse.Namespace, code: VerifyExit, message: str) -> NoReturn:
    if args.json:
        print(json.dumps({"root": args.url, "holds": False, "error": message, "exitCode": code}, indent=2))
    else:
        print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


AsyncCommand = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, None]]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="fediverse-hit", description="Fediverse Hit server")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create data dir, secret, keys; apply migrations").set_defaults(run=_cmd_init)
    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="do not run background work in this process")
    serve.add_argument("--quiet", action="store_true", help="log warnings and errors only: no line per request, delivery or inbox item")
    serve.set_defaults(sync=_cmd_serve)
    worker = commands.add_parser("worker", help="run background work: deliveries, inbox processing")
    worker.add_argument("--once", action="store_true", help="process one batch of due work, then exit")
    worker.add_argument("--quiet", action="store_true", help="log warnings and errors only: no line per delivery or inbox item")
    worker.set_defaults(sync=_cmd_worker_on_uvloop)
    deliveries = commands.add_parser("deliveries", help="inspect and steer outgoing deliveries")
    retry = deliveries.add_subparsers(dest="action", required=True).add_parser(
        "retry", help="try every pending delivery now (after a remote server comes back)"
    )
    retry.add_argument("--host", help="only deliveries to this host")
    retry.set_defaults(run=_cmd_deliveries_retry)
    add_user_commands(commands)
    token = commands.add_parser("token", help="manage access tokens").add_subparsers(dest="action", required=True)
    create_tok = token.add_parser("create", help="create a personal access token for user NAME")
    create_tok.add_argument("name", help="the user the token acts as")
    create_tok.add_argument("--label", default="cli", help="what the token is for")
    create_tok.set_defaults(run=_cmd_token_create)
    add_project_commands(commands)
    verify = commands.add_parser(
        "verify",
        help="verify the attribution chain of a contribution",
        description="Verify the attribution chain of the contribution at URL: one line per link. Exit codes: "
        "0 every link verified or attested (--strict: verified), 1 a link does not hold, 2 usage error, "
        "3 the chain is refused as a whole (cycle, too deep, too large), 4 nothing to verify (root "
        "unreachable, bundle unreadable or for another object).",
    )
    verify.add_argument("url", help="the contribution's id (its URL)")
    verify.add_argument("--offline", metavar="BUNDLE", help="verify from this chain bundle file (- for stdin), no network")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--strict", action="store_true", help="accept verified links only, not attested ones")
    verify.set_defaults(run=_cmd_verify, uses_data_dir=False)
    commands.add_parser("demo", help="seed demo users and print a login for the admin and every creator").set_defaults(run=_cmd_demo)
    add_payment_commands(commands)
    migrations = commands.add_parser("makemigrations", help="(developers) write migrations for model changes")
    migrations.add_argument("--name")
    migrations.set_defaults(run=_cmd_makemigrations, uses_data_dir=False)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and of `python -m fediverse_hit`."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ValueError as exc:  # a setting that cannot be read: say which, without a traceback
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    try:
        if getattr(args, "uses_data_dir", True):
            check_domain(settings)  # before any command reads or writes the instance's data
        if hasattr(args, "sync"):
            args.sync(settings, args)
        else:
            asyncio.run(args.run(settings, args))
    except HitError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(1) from exc
