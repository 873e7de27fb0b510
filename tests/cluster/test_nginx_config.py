"""The shipped nginx config forwards the Host header as the client sent it, port included: HTTP
signatures cover it, so `$host` (no port) made signed POSTs to an instance on host:port fail
with 401 (issue 14 item 4)."""

from __future__ import annotations

import re
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "fediverse-hit.conf"


def test_every_proxied_location_forwards_the_host_header_with_its_port() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    forwarded = re.findall(r"proxy_set_header\s+Host\s+(\S+);", text)
    assert forwarded == ["$http_host"] * text.count("proxy_pass ")
