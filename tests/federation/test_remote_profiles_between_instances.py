"""Remote people at home, between two real instances (subprocesses, own databases, real signed
HTTP): on A, `/@bob@B` shows bob's profile and the works he published before anyone on A
followed him; a pasted URL of one of them opens a page on A; a person on A follows bob from that
profile with the form's one button, and bob's followers collection on B lists them."""

from __future__ import annotations

import re
from contextlib import closing
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest

from tests.federation_steps import PASSWORD, c2s, eventually, make_user, members
from tests.instances import InstanceFactory
from tests.web_session import logged_in

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.DOTALL)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def click_form(client: httpx.Client, page: httpx.Response, action: str) -> httpx.Response:
    """Submit the form of `page` that posts to `action`, with exactly the fields it carries
    (what pressing its button sends)."""
    forms = {urlsplit(unescape(target)).path: body for target, body in _FORM.findall(page.text)}
    assert action in forms, f"no form posting to {action} on {page.url}"
    fields = {name: unescape(value) for name, value in _HIDDEN.findall(forms[action])}
    return client.post(action, data=fields)


def test_remote_profile_shows_earlier_works_opens_a_pasted_url_and_follows_in_one_click(
    instances: InstanceFactory,
) -> None:
    a, b = instances.start(2)
    ada, _ = make_user(a, "ada")
    bob, bob_token = make_user(b, "bob")
    sketches = c2s(b, "bob", bob_token, {"type": "Note", "name": "Harbour sketches", "content": "Drawn at dawn #harbour", "to": [PUBLIC]})
    ferry = c2s(b, "bob", bob_token, {"type": "Note", "name": "Night ferry", "content": "Lights on the water.", "to": [PUBLIC]})
    assert sketches.status_code == ferry.status_code == 201
    sketches_url = sketches.headers["Location"]
    profile_path = f"/@bob@{b.domain}"

    # Nobody on A follows bob: his works come from his outbox, fetched when his profile is viewed.
    anonymous = httpx.get(a.url(profile_path), headers={"Accept": "text/html"}, timeout=30)
    assert anonymous.status_code == 200, anonymous.text
    assert "Harbour sketches" in anonymous.text and "Night ferry" in anonymous.text
    assert f'href="{b.url("/@bob")}"' in anonymous.text  # "Open on their server"
    assert members(b, "bob", "followers") == []

    with closing(logged_in(a.base_url, "ada", PASSWORD)) as web:
        found = web.get("/search", params={"q": sketches_url})
        assert found.status_code == 303, found.text
        work_path = found.headers["Location"]
        assert work_path.startswith("/remote-contributions/")
        work = web.get(work_path)
        assert work.status_code == 200
        assert "Harbour sketches" in work.text
        assert 'href="/tags/harbour"' in work.text  # the hashtag leads to A's own tag page
        assert f'href="{sketches_url}"' in work.text  # "Open on their server"
        assert f'action="/remote-contributions/{work_path.rsplit("/", 1)[1]}/like"' in work.text  # a like stays on A

        profile = web.get(profile_path)
        assert profile.status_code == 200
        followed = click_form(web, profile, "/relationships/follow")
        assert followed.status_code == 303 and followed.headers["Location"] == profile_path
        eventually(lambda: members(b, "bob", "followers") == [ada], "bob's followers on B list ada")
        eventually(lambda: "Unfollow" in web.get(profile_path).text, "ada's follow of bob is accepted on A")
