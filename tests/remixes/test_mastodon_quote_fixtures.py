"""Mastodon's published quote payloads (tests/fixtures/mastodon/README.md) played against our inbox:
the quote post of FEP-044f (Mastodon's own proposal) and the QuoteRequest of Mastodon's spec, each
about one of our works. The quote is stored as a link, so the work lists it among its remixes;
the request is answered with an Accept and a stamp naming the quote; the quote policy of the
FEP's example Note is read as Mastodon writes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.quote_permissions import QuoteApproval, read_quote_approval
from fediverse_hit.store.models import Contribution, OutgoingActivity, QuoteRequest, RemixSource
from fediverse_hit.store.remix_graphs import load_remix_family
from tests.inbox_harness import InboxHarness
from tests.remix_steps import person_with_token, post

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mastodon"
QUOTED_IN_FEP = "https://example.com/users/alice/statuses/1"


def _fixture(name: str, **replacements: str) -> dict[str, Any]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in replacements.items():
        text = text.replace(old, new)
    document: dict[str, Any] = json.loads(text)
    return document


async def _our_work(inbox: InboxHarness, urls: InstanceUrls) -> str:
    _, token = await person_with_token("ada", urls)
    response = await post(inbox.client, "ada", token, {"name": "Night bus", "content": "A poem."})
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


async def test_the_fep_044f_quote_post_of_our_work_is_stored_as_a_descendant(inbox: InboxHarness, urls: InstanceUrls) -> None:
    work = await _our_work(inbox, urls)
    bob = inbox.network.person("bob", host="example.com")
    quote = _fixture("fep-044f-quote-post.json", **{QUOTED_IN_FEP: work})
    assert (quote["quote"], quote["attributedTo"]) == (work, bob.actor_id)

    await inbox.deliver(bob.create({key: value for key, value in quote.items() if key != "@context"}), bob)

    stored = await Contribution.get(uri=quote["id"])
    row = await RemixSource.get(remix=stored).prefetch_related("source")
    assert (row.source.uri, row.position, row.weight, row.digest_multibase) == (work, 0, 10000, "")
    family = await load_remix_family(await Contribution.get(uri=work))
    assert [family.works[link.remix_id].uri for link in family.remixes] == [quote["id"]]


async def test_mastodon_quote_request_of_our_work_is_answered_with_a_stamp(inbox: InboxHarness, urls: InstanceUrls) -> None:
    work = await _our_work(inbox, urls)
    zoe = inbox.network.person("zoe", host="example.com")
    request = _fixture("mastodon-quote-request.json", QUOTED_URI=work)

    await inbox.deliver(request, zoe)

    answer = json.loads((await OutgoingActivity.all().order_by("-id").first()).body)  # type: ignore[union-attr]
    kept = await QuoteRequest.get(uri=request["id"])
    assert (answer["type"], answer["object"]["id"], answer["result"]) == ("Accept", request["id"], kept.authorization_uri)
    stamp = await inbox.client.get(str(kept.authorization_uri).removeprefix(urls.base), headers={"Accept": "application/activity+json"})
    assert stamp.status_code == 200
    assert {key: stamp.json()[key] for key in ("type", "interactingObject", "interactionTarget")} == {
        "type": "QuoteAuthorization", "interactingObject": request["instrument"]["id"], "interactionTarget": work,
    }


def test_the_fep_044f_followers_policy_admits_followers_only() -> None:
    note = _fixture("fep-044f-quote-policy-note.json")
    followers = "https://example.com/users/alice/followers"
    quoter = "https://elsewhere.example/users/bo"

    assert read_quote_approval(note, quoter, follows_author=True, author_followers=followers) is QuoteApproval.AUTOMATIC
    assert read_quote_approval(note, quoter, follows_author=False, author_followers=followers) is QuoteApproval.DENIED
