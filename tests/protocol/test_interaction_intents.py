"""Where a person's own server lets them follow someone elsewhere: the remote-interaction
templates of a WebFinger answer (Mastodon's ostatus subscribe, FEP-3b86 intents)."""

from __future__ import annotations

from fediverse_hit.protocol.discovery import build_jrd, interaction_target

BOB = "https://b.example/users/bob"
# Mastodon's answer for acct:Gargron@mastodon.social (app/serializers/webfinger_serializer.rb).
MASTODON_JRD = {
    "subject": "acct:Gargron@mastodon.social",
    "aliases": ["https://mastodon.social/@Gargron", "https://mastodon.social/users/Gargron"],
    "links": [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": "https://mastodon.social/@Gargron"},
        {"rel": "self", "type": "application/activity+json", "href": "https://mastodon.social/users/Gargron"},
        {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "https://mastodon.social/authorize_interaction?uri={uri}"},
    ],
}


def test_mastodons_subscribe_template_gets_the_escaped_actor_iri() -> None:
    assert interaction_target(MASTODON_JRD, BOB) == (
        "https://mastodon.social/authorize_interaction?uri=https%3A%2F%2Fb.example%2Fusers%2Fbob"
    )


def test_a_fep_3b86_follow_intent_comes_first() -> None:
    jrd = {"links": [*MASTODON_JRD["links"], {"rel": "https://w3id.org/fep/3b86/Follow", "template": "https://x.example/follow?o={object}"}]}
    assert interaction_target(jrd, BOB) == "https://x.example/follow?o=https%3A%2F%2Fb.example%2Fusers%2Fbob"


def test_unusable_templates_are_ignored() -> None:
    # Tried: a script address, a template without its placeholder, links that are not objects.
    jrd = {"links": [
        {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "javascript:alert(1)//{uri}"},
        {"rel": "https://w3id.org/fep/3b86/Follow", "template": "https://x.example/follow"},
        "https://x.example/{uri}",
    ]}
    assert interaction_target(jrd, BOB) is None
    assert interaction_target({"links": "nope"}, BOB) is None


def test_our_own_answer_carries_templates_that_lead_back_here() -> None:
    jrd = build_jrd("acct:ada@a.example", [], "https://a.example/users/ada", "https://a.example/@ada", "https://a.example/authorize-interaction")
    assert interaction_target(jrd, BOB) == "https://a.example/authorize-interaction?uri=https%3A%2F%2Fb.example%2Fusers%2Fbob"
