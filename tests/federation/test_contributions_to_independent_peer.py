"""An independent ActivityPub peer (tests/peer.py) follows a creator on a real instance and
receives the Create of a contribution with an image: the Note's shape, its HTTP signature, its
eddsa-jcs-2022 proof (checked with the key from the author's actor document), its lookup by id,
and that no script from the author's input survives — what issue 4's first check asks."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from PIL import Image

from fediverse_hit.protocol.http_signatures import verify_request_signature
from fediverse_hit.protocol.integrity_proofs import verify_proof
from fediverse_hit.protocol.keys import load_public_key_pem, multibase_to_public_key
from tests.federation_steps import c2s, make_user
from tests.instances import InstanceFactory
from tests.peer import AS2, Peer

pytestmark = pytest.mark.federation

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def key_resolver(actor: dict[str, Any]) -> Any:
    methods = {method["id"]: method for method in actor["assertionMethod"]}
    return lambda key_id: multibase_to_public_key(methods[key_id]["publicKeyMultibase"])


def test_follower_on_another_implementation_gets_a_signed_note_with_its_image(
    instances: InstanceFactory, peer: Peer
) -> None:
    [instance] = instances.start(1)
    ada, token = make_user(instance, "ada")
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_id}#follows/1",
              "type": "Follow", "actor": peer.actor_id, "object": ada}
    assert peer.signed_post(instance.url("/users/ada/inbox"), follow).status_code == 202
    peer.wait_for_activity("Accept")

    upload = httpx.post(
        instance.url("/api/media"),
        files={"file": ("harbour.png", png_bytes(), "image/png")},
        data={"description": "A red harbour at dusk"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    assert upload.status_code == 201, upload.text
    media = upload.json()
    hostile = '<p>Harbour<script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">link</a></p>'
    posted = c2s(instance, "ada", token, {
        "type": "Note", "name": "Harbour <script>alert(3)</script>", "content": hostile,
        "attachment": [{"id": media["id"], "name": "A red harbour at dusk"}], "to": [PUBLIC],
    })
    assert posted.status_code == 201, posted.text

    path, headers, body = peer.wait_for_activity("Create")
    create = json.loads(body)
    actor = httpx.get(ada, headers={"Accept": AS2}).json()
    rsa = load_public_key_pem(actor["publicKey"]["publicKeyPem"])
    verified = verify_request_signature("POST", f"{peer.base}{path}", headers, body, {actor["publicKey"]["id"]: rsa}.get)
    assert verified.key_id == actor["publicKey"]["id"]

    note = create["object"]
    assert create["actor"] == ada and note["type"] == "Note" and note["attributedTo"] == ada
    verify_proof(create, key_resolver(actor))  # the activity's proof
    verify_proof({"@context": create["@context"], **note}, key_resolver(actor))  # the Note's own proof
    [attachment] = note["attachment"]
    assert attachment["type"] == "Document" and attachment["mediaType"] == "image/png"
    assert attachment["name"] == "A red harbour at dusk" and attachment["width"] == 64
    assert httpx.get(attachment["url"]).content[:8] == b"\x89PNG\r\n\x1a\n"
    for vector in ("<script", "javascript:", "onclick"):
        assert vector not in note["content"], vector

    looked_up = httpx.get(note["id"], headers={"Accept": AS2})
    assert looked_up.status_code == 200
    assert {k: v for k, v in looked_up.json().items() if k != "@context"} == note
