"""A curator on another server, between real instances: A's operator makes Rae (on B) a curator
of A's project by her handle; Bo on B submits a piece; Rae selects it from her own outbox on B,
which sends her signed Add to the project's inbox on A; A acts as the Group and the piece is in
`fhit:selected`. Someone on B who does not curate is refused by A and changes nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from fediverse_hit.store.models import Delivery
from tests.federation.inbound_support import in_db
from tests.federation_steps import c2s, eventually, fetch_as2, make_user
from tests.instances import Instance, InstanceFactory
from tests.peer import AS2

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _delivery_status(instance: Instance, activity_id: str) -> int | None:
    """The HTTP status the project's server last answered to the delivery of `activity_id`."""

    async def read() -> int | None:
        delivery = await Delivery.get_or_none(activity__activity_id=activity_id)
        return delivery.last_status if delivery is not None else None

    return in_db(instance, read)


def _items(url: str) -> list[str]:
    return list(httpx.get(url, headers={"Accept": AS2}, timeout=10).json().get("orderedItems", []))


def test_a_curator_on_another_server_selects_a_submission(instances: InstanceFactory) -> None:
    a, b = instances.start(2)
    alice, _ = make_user(a, "alice")
    rae, rae_token = make_user(b, "rae")
    bo, bo_token = make_user(b, "bo")
    a.cli("project", "create", "mural", "--title", "City Mural", "--curator", "alice")
    project = a.url("/projects/mural")
    added = a.cli("project", "curator", "add", "mural", f"rae@{urlsplit(b.base_url).netloc}")
    assert added.stdout.strip() == f"{rae} added to mural"
    status, group = fetch_as2(project)
    assert (status, group["attributedTo"]) == (200, [alice, rae])

    piece = c2s(b, "bo", bo_token, {"type": "Note", "to": [PUBLIC], "cc": [project], "content": "A harbour song."})
    assert piece.status_code == 201, piece.text
    piece_iri = piece.headers["location"]
    eventually(lambda: _items(a.url("/projects/mural/submissions")) == [piece_iri], "the piece queued on A")

    # Bo curates nothing: his server sends his Add, and A refuses it (403); nothing is selected.
    selected = a.url("/projects/mural/selected")
    sneaky = c2s(b, "bo", bo_token, {"type": "Add", "object": piece_iri, "target": selected, "audience": project})
    assert sneaky.status_code == 201, sneaky.text  # B accepted to send it; A decides
    eventually(lambda: _delivery_status(b, sneaky.headers["location"]) == 403, "A refusing Bo's Add with 403")
    assert _items(selected) == []
    select = {"type": "Add", "object": piece_iri, "target": selected, "to": [project], "audience": project}
    sent = c2s(b, "rae", rae_token, select)
    assert sent.status_code == 201, sent.text
    eventually(lambda: _items(selected) == [piece_iri], "the piece selected on A by Rae")

    removed = a.cli("project", "curator", "remove", "mural", rae)
    assert removed.stdout.strip() == f"{rae} removed from mural"
    assert fetch_as2(project)[1]["attributedTo"] == [alice]
