"""The Jinja2 environment for server-rendered pages (autoescaped, templates/ at the repo root)."""

from __future__ import annotations

from starlette.templating import Jinja2Templates

from fediverse_hit import __version__
from fediverse_hit.settings import TEMPLATES_DIR, Settings
from fediverse_hit.web.time_format import exact_time, timestamp


def create_templates(settings: Settings) -> Jinja2Templates:
    """Templates with the globals every page uses (instance domain, version) and the time filters."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals["instance_domain"] = settings.domain
    templates.env.globals["software_version"] = __version__
    templates.env.filters["timestamp"] = timestamp
    templates.env.filters["exact_time"] = exact_time
    return templates
