"""The only place that builds and parses this instance's IRIs (DESIGN §3)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

_USER_PATH = re.compile(r"^/users/([a-z0-9_.-]+)$")
_CONTRIBUTION_PATH = re.compile(r"^/contributions/([0-9]{1,20})$")
_PROJECT_PATH = re.compile(r"^/projects/([a-z0-9_.-]+)$")
_PAYMENT_PATH = re.compile(r"^/projects/([a-z0-9_.-]+)/payments/([0-9]{1,18})$")


@dataclass(frozen=True)
class InstanceUrls:
    """IRIs of this instance, given its public scheme and host[:port]."""

    scheme: str
    domain: str

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.domain}"

    def absolute(self, path: str) -> str:
        """An absolute IRI for a local path starting with `/`."""
        return self.base + path

    # Instance-level endpoints
    def instance_actor(self) -> str:
        return self.absolute("/actor")

    def shared_inbox(self) -> str:
        return self.absolute("/inbox")

    def instance_collection(self, collection: str) -> str:
        """`inbox`, `outbox`, `followers`, `following` or `featured` of the instance actor."""
        return self.absolute(f"/actor/{collection}")

    def nodeinfo(self) -> str:
        return self.absolute("/nodeinfo/2.1")

    def nodeinfo_20(self) -> str:
        return self.absolute("/nodeinfo/2.0")

    def webfinger_template(self) -> str:
        return self.absolute("/.well-known/webfinger?resource={uri}")

    def home(self) -> str:
        return self.absolute("/")

    def authorize_interaction(self) -> str:
        """Where a person here is sent to follow or answer something elsewhere (the WebFinger
        remote-interaction templates add `?uri=…`; Mastodon's path is `/authorize_interaction`)."""
        return self.absolute("/authorize-interaction")

    # Users
    def user(self, username: str) -> str:
        return self.absolute(f"/users/{quote(username)}")

    def user_profile_page(self, username: str) -> str:
        return self.absolute(f"/@{quote(username)}")

    def user_collection(self, username: str, collection: str) -> str:
        """`inbox`, `outbox`, `followers`, `following` or `featured` of a user."""
        return f"{self.user(username)}/{collection}"

    def actor_collection(self, kind: str, username: str, collection: str) -> str:
        """A collection of a local actor of `kind` ("Person" or "Group"): a user's or a project's."""
        if kind == "Group":
            return self.project_collection(username, collection)
        return self.user_collection(username, collection)

    def actor_page(self, kind: str, username: str) -> str:
        """The HTML page of a local actor of `kind`: a person's profile or a project's page."""
        return self.project(username) if kind == "Group" else self.user_profile_page(username)

    # Projects (Group actors, DESIGN §7); the actor IRI is also the project page
    def project(self, slug: str) -> str:
        return self.absolute(f"/projects/{quote(slug)}")

    def project_collection(self, slug: str, collection: str) -> str:
        """`inbox`, `outbox`, `followers`, `following`, `featured`, `submissions`, `selected`,
        `context` or `curators` of a project."""
        return f"{self.project(slug)}/{collection}"

    def project_credits(self, slug: str, work_local_id: str) -> str:
        """The credits of one work of a project (an OrderedCollection of fhit:Credit)."""
        return f"{self.project(slug)}/credits/{quote(work_local_id)}"

    def project_credits_version(self, slug: str, work_local_id: str, version: int) -> str:
        """One signed version of a work's credits (each kept, so old versions stay readable)."""
        return f"{self.project_credits(slug, work_local_id)}/versions/{version}"

    def project_payment(self, slug: str, proposal_id: int) -> str:
        """A payment proposal of a project (fhit:PaymentProposal), also its page."""
        return f"{self.project(slug)}/payments/{proposal_id}"

    def project_payment_statement(self, slug: str, proposal_id: int) -> str:
        """The statement that finalized a proposal (fhit:PaymentStatement)."""
        return f"{self.project_payment(slug, proposal_id)}/statement"

    def project_payment_note(self, slug: str, proposal_id: int, recipient_index: int) -> str:
        """The direct Note summing up a statement for one contributor whose server does not read it."""
        return f"{self.project_payment_statement(slug, proposal_id)}/notes/{recipient_index}"

    def parse_project_payment(self, iri: str) -> tuple[str, int] | None:
        """(slug, proposal id) if `iri` is one of our payment proposals, else None."""
        parts = urlsplit(iri)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.base.lower() or parts.query or parts.fragment:
            return None
        match = _PAYMENT_PATH.match(parts.path)
        return (match.group(1), int(match.group(2))) if match else None

    def parse_project(self, iri: str) -> str | None:
        """The slug if `iri` is one of our project actor IRIs, else None."""
        parts = urlsplit(iri)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.base.lower():
            return None
        match = _PROJECT_PATH.match(parts.path)
        return match.group(1) if match else None

    @staticmethod
    def rsa_key_id(actor_uri: str) -> str:
        return f"{actor_uri}#main-key"

    @staticmethod
    def ed25519_key_id(actor_uri: str) -> str:
        return f"{actor_uri}#ed25519-key"

    def new_activity_id(self) -> str:
        """A fresh, never reused IRI for an activity we publish."""
        return self.absolute(f"/activities/{uuid.uuid4()}")

    # Contributions
    def contribution(self, local_id: str) -> str:
        """The contribution's IRI, also its HTML page (`url`) by content negotiation."""
        return self.absolute(f"/contributions/{quote(local_id)}")

    def contribution_activity(self, local_id: str) -> str:
        """The IRI of the Create that published the contribution (Mastodon: `…/activity`)."""
        return f"{self.contribution(local_id)}/activity"

    def contribution_version(self, local_id: str, number: int) -> str:
        return f"{self.contribution(local_id)}/versions/{number}"

    def contribution_chain(self, local_id: str) -> str:
        """The chain bundle of a contribution (docs/attribution-chains.md §4)."""
        return f"{self.contribution(local_id)}/chain"

    def contribution_collection(self, local_id: str, collection: str) -> str:
        """`replies`, `likes` or `shares` of a contribution."""
        return f"{self.contribution(local_id)}/{collection}"

    def quote_authorization(self, local_id: str, request_id: int) -> str:
        """The FEP-044f stamp approving request `request_id` to quote contribution `local_id`."""
        return f"{self.contribution(local_id)}/quote-authorizations/{request_id}"

    def contribution_edit_page(self, local_id: str) -> str:
        return f"{self.contribution(local_id)}/edit"

    def contribution_family_page(self, local_id: str) -> str:
        """Every source and remix of a contribution as a list (the tree's unfolded form)."""
        return f"{self.contribution(local_id)}/family"

    def contribution_verification_page(self, local_id: str) -> str:
        """The per-link report of a remix's attribution chain, checked from what is stored here."""
        return f"{self.contribution(local_id)}/verification"

    def tag(self, name: str) -> str:
        """The page of a hashtag (Mastodon's `/tags/{name}`), the `href` of Hashtag tags."""
        return self.absolute(f"/tags/{quote(name.lower())}")

    def parse_contribution(self, iri: str) -> str | None:
        """The local id if `iri` is one of our contribution IRIs, else None."""
        parts = urlsplit(iri)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.base.lower():
            return None
        match = _CONTRIBUTION_PATH.match(parts.path)
        return match.group(1) if match else None

    def media(self, filename: str) -> str:
        return self.absolute(f"/media/{quote(filename)}")

    def handle(self, username: str) -> str:
        """`user@host`, the FEP-2c59 `webfinger` value."""
        return f"{username}@{self.domain}"

    def acct(self, username: str) -> str:
        """The `acct:` URI WebFinger uses as subject."""
        return f"acct:{self.handle(username)}"

    def parse_user(self, iri: str) -> str | None:
        """The username if `iri` is one of our user actor or profile IRIs, else None."""
        parts = urlsplit(iri)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.base.lower():
            return None
        match = _USER_PATH.match(parts.path)
        if match:
            return match.group(1)
        if parts.path.startswith("/@") and _USER_PATH.match("/users/" + parts.path[2:]):
            return parts.path[2:]
        return None

    def is_local(self, iri: str) -> bool:
        """True when `iri` is on this instance's origin."""
        parts = urlsplit(iri)
        return f"{parts.scheme}://{parts.netloc}".lower() == self.base.lower()


def chain_bundle_of(contribution_iri: str) -> str | None:
    """Where a Fediverse Hit server serves the chain bundle of one of its contributions: the
    contribution's IRI + `/chain`. None for an IRI that is not shaped like one of ours (another
    software's post has no bundle to ask for)."""
    parts = urlsplit(contribution_iri)
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        return None
    return f"{contribution_iri}/chain" if _CONTRIBUTION_PATH.match(parts.path) else None
