"""What services need to know about our IRIs, as a structural type.

`federation.urls.InstanceUrls` satisfies it; services receive it as a parameter so that they
never import the federation layer (DESIGN §2).
"""

from __future__ import annotations

from typing import Protocol


class ActorIris(Protocol):
    """Builds the IRIs a new local actor is stored with."""

    @property
    def domain(self) -> str: ...

    def user(self, username: str) -> str: ...

    def instance_actor(self) -> str: ...

    def rsa_key_id(self, actor_uri: str) -> str: ...

    def ed25519_key_id(self, actor_uri: str) -> str: ...


class ContributionIris(Protocol):
    """Builds the IRIs a local contribution is stored and rendered with."""

    def contribution(self, local_id: str) -> str: ...

    def tag(self, name: str) -> str: ...

    def new_activity_id(self) -> str: ...


class ProjectIris(ActorIris, Protocol):
    """Builds the IRIs a new project's Group actor is stored with."""

    def project(self, slug: str) -> str: ...
