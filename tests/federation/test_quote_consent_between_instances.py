"""Quote consent (FEP-044f) across two real instances: bo on B remixes works on A through C2S and
A answers by each author's policy — anyone: Accept with a stamp A serves; followers only: a
stranger is refused, a follower approved; by hand: pending until the author approves or declines
on A's /quote-requests page; an approval withdrawn there shows on the remix. An independent
implementation (Fedify) verifies the stamped remix's eddsa-jcs-2022 proof."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fediverse_hit.protocol.remix_notes import QUOTE_FIELDS
from fediverse_hit.store.models import Contribution, QuoteRequest
from tests.federation.inbound_support import in_db
from tests.federation_steps import PASSWORD, c2s, eventually, fetch_as2, make_user, members
from tests.instances import Instance, InstanceFactory
from tests.oracles.conftest import FedifyOracle, fedify
from tests.web_session import csrf_from, logged_in, submit

pytestmark = pytest.mark.federation

__all__ = ["fedify"]  # the Fedify oracle fixture (tests/oracles/conftest.py), used here too

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_CONSENT_LINE = re.compile(r'<p class="notice quote-consent">(.*?)</p>', re.S)


@dataclass
class World:
    a: Instance
    b: Instance
    tokens: dict[str, str]
    actors: dict[str, str]

    def handle(self, name: str) -> str:
        """How B names a person of A: `@name@host:port`."""
        return f"@{name}@{self.a.domain}"


def _set_default_policy(instance: Instance, name: str, policy: str) -> None:
    session = logged_in(instance.base_url, name, PASSWORD)
    try:
        saved = submit(session, "/quote-requests", "/settings/quote-policy", {"quote_policy": policy})
    finally:
        session.close()
    assert saved.status_code == 303, saved.text


@pytest.fixture(scope="module")
def world(module_instances: InstanceFactory) -> Iterator[World]:
    """A with ada (anyone may quote), fay (followers only) and mia (by hand); B with bo (a
    stranger to all of them) and flo (fay's follower)."""
    a, b = module_instances.start(2)
    tokens, actors = {}, {}
    for instance, name in ((a, "ada"), (a, "fay"), (a, "mia"), (b, "bo"), (b, "flo")):
        actors[name], tokens[name] = make_user(instance, name)
    _set_default_policy(a, "fay", "followers")
    _set_default_policy(a, "mia", "manual")
    assert c2s(b, "flo", tokens["flo"], {"type": "Follow", "actor": actors["flo"], "object": actors["fay"]}).status_code == 201
    eventually(lambda: actors["fay"] in members(b, "flo", "following"), "fay accepts flo's follow")
    yield World(a, b, tokens, actors)


def _post(world: World, user: str, instance: Instance, **note: Any) -> str:
    response = c2s(instance, user, world.tokens[user], {"type": "Note", "to": [PUBLIC], **note})
    assert response.status_code == 201, response.text
    return response.headers["location"]


def _remix(world: World, user: str, source: str) -> str:
    return _post(world, user, world.b, name=f"{user}'s remix", content="Built on it.",
                 **{"fhit:sources": [{"object": source}]})


def _note(iri: str) -> dict[str, Any]:
    status, document = fetch_as2(iri)
    assert status == 200, iri
    return document


def _consent_line(iri: str) -> str:
    page = httpx.get(iri, headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    found = _CONSENT_LINE.search(page.text)
    return html.unescape(found.group(1)) if found else ""


def _stamped(iri: str) -> str:
    eventually(lambda: "quoteAuthorization" in _note(iri), f"{iri} carries a quoteAuthorization")
    return str(_note(iri)["quoteAuthorization"])


def _answer_on_page(world: World, name: str, action: str, remix: str) -> None:
    """`name` logs in on A and presses `action` (approve, reject, revoke) on /quote-requests for
    the request of `remix`."""
    session = logged_in(world.a.base_url, name, PASSWORD)
    try:
        page = session.get("/quote-requests")
        item = next((chunk for chunk in page.text.split("<li>") if f'href="{remix}"' in chunk), "")
        form = re.search(rf'action="[^"]*?(/quote-requests/\d+/{action})"', item)
        assert form is not None, f"no {action} button for {remix} on {name}'s /quote-requests"
        answered = session.post(form.group(1), data={"csrf_token": csrf_from(page)})
    finally:
        session.close()
    assert answered.status_code == 303, answered.text


@pytest.fixture(scope="module")
def accepted(world: World) -> tuple[str, str, str]:
    """bo's remix of a work of ada (anyone may quote): (work, remix, stamp)."""
    work = _post(world, "ada", world.a, name="Night bus", content="A poem about the last bus home.")
    remix = _remix(world, "bo", work)
    return work, remix, _stamped(remix)


def test_anyone_may_quote_so_the_remix_gets_a_stamp_served_by_the_source_server(
    world: World, accepted: tuple[str, str, str]
) -> None:
    work, remix, stamp = accepted
    assert stamp.startswith(world.a.url("/contributions/"))
    status, document = fetch_as2(stamp)
    assert status == 200
    assert {key: document[key] for key in ("type", "attributedTo", "interactingObject", "interactionTarget")} == {
        "type": "QuoteAuthorization", "attributedTo": world.actors["ada"], "interactingObject": remix,
        "interactionTarget": work,
    }
    note = _note(remix)
    assert [note[field] for field in QUOTE_FIELDS] == [work] * 4
    assert note["fhit:sources"][0]["object"] == work
    assert note["fhit:sources"][0]["digestMultibase"].startswith("z")
    assert _consent_line(remix) == f"{world.handle('ada')} approved this remix quoting their work."


def test_the_stamped_version_reaches_the_source_author_server(world: World, accepted: tuple[str, str, str]) -> None:
    _, remix, stamp = accepted

    def a_keeps_the_stamped_version() -> bool:
        kept = in_db(world.a, lambda: Contribution.get_or_none(uri=remix))
        return kept is not None and (kept.document or {}).get("quoteAuthorization") == stamp

    eventually(a_keeps_the_stamped_version, "A stores the Update carrying the stamp")


@pytest.mark.node
def test_fedify_verifies_the_proof_of_the_stamped_remix(
    world: World, accepted: tuple[str, str, str], fedify: FedifyOracle
) -> None:
    _, remix, stamp = accepted
    note = _note(remix)
    assert note["quoteAuthorization"] == stamp and note["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    documents = {world.actors["bo"]: _note(world.actors["bo"])}

    assert fedify("verify-object", document=note, documents=documents)["verified"] is True
    forged = {**note, "quoteAuthorization": stamp.replace("quote-authorizations/", "quote-authorizations/9")}
    assert fedify("verify-object", document=forged, documents=documents)["verified"] is False


def test_followers_only_refuses_a_stranger_before_anything_is_published(world: World) -> None:
    work = _post(world, "fay", world.a, name="For my people", content="Followers may build on this.")
    response = c2s(world.b, "bo", world.tokens["bo"], {"type": "Note", "to": [PUBLIC], "content": "Mine now.",
                                                      "fhit:sources": [{"object": work}]})
    assert response.status_code == 403
    assert response.json() == {"error": (
        f"Source {work} cannot be remixed by you: its author's quote policy (interactionPolicy canQuote) "
        "does not include you."
    )}
    assert in_db(world.a, lambda: QuoteRequest.filter(quoted_uri=work).count()) == 0


def test_followers_only_approves_a_follower(world: World) -> None:
    work = _post(world, "fay", world.a, name="For my people, too", content="Followers may build on this.")
    remix = _remix(world, "flo", work)
    status, document = fetch_as2(_stamped(remix))
    assert status == 200 and document["interactingObject"] == remix
    assert _consent_line(remix) == f"{world.handle('fay')} approved this remix quoting their work."


def test_by_hand_the_remix_waits_until_the_author_approves_on_her_page(world: World) -> None:
    work = _post(world, "mia", world.a, name="Ask first", content="Ask me before quoting.")
    remix = _remix(world, "bo", work)
    eventually(lambda: in_db(world.a, lambda: QuoteRequest.filter(quoted_uri=work, state="pending").exists()),
               "A holds bo's request for mia")
    assert "quoteAuthorization" not in _note(remix) and _note(remix)["quote"] == work
    assert _consent_line(remix) == (
        f"Waiting for {world.handle('mia')} to approve this remix quoting their work. It is published and "
        "credits its sources; Mastodon shows it as a quote once approved."
    )

    _answer_on_page(world, "mia", "approve", remix)

    status, document = fetch_as2(_stamped(remix))
    assert status == 200 and (document["attributedTo"], document["interactingObject"]) == (world.actors["mia"], remix)
    assert _consent_line(remix) == f"{world.handle('mia')} approved this remix quoting their work."


def test_a_declined_request_drops_the_quote_and_keeps_the_credits(world: World) -> None:
    work = _post(world, "mia", world.a, name="Not this one", content="Please do not quote.")
    remix = _remix(world, "bo", work)
    eventually(lambda: in_db(world.a, lambda: QuoteRequest.filter(quoted_uri=work, state="pending").exists()),
               "A holds bo's request for mia")

    _answer_on_page(world, "mia", "reject", remix)

    eventually(lambda: "quote" not in _note(remix), "B's remix drops its quote fields")
    note = _note(remix)
    assert [field for field in (*QUOTE_FIELDS, "quoteAuthorization") if field in note] == []
    assert note["fhit:sources"][0]["object"] == work
    assert _consent_line(remix) == (
        f"{world.handle('mia')} declined to have this remix quote their work. It stays published with its "
        "signed credits, but no longer embeds their work as a quote."
    )


def test_an_approval_withdrawn_on_the_source_server_shows_on_the_remix(world: World) -> None:
    work = _post(world, "ada", world.a, name="Changed my mind", content="A poem, for now.")
    remix = _remix(world, "bo", work)
    stamp = _stamped(remix)

    _answer_on_page(world, "ada", "revoke", remix)

    assert httpx.get(stamp, headers={"Accept": "application/activity+json"}, timeout=10).status_code == 410
    eventually(lambda: "quote" not in _note(remix), "B's remix drops its quote after the revocation")
    note = _note(remix)
    assert "quoteAuthorization" not in note and note["fhit:sources"][0]["object"] == work
    assert _consent_line(remix) == (
        f"{world.handle('ada')} withdrew their approval. The remix stays published with its signed credits, "
        "but no longer embeds their work as a quote."
    )
