"""The Jinja2 environment for server-rendered pages (autoescaped, templates/ at the repo root)."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from fediverse_hit import __version__
from fediverse_hit.settings import TEMPLATES_DIR, Settings
from fediverse_hit.web.time_format import exact_time, timestamp

# Distinct (route, parameters, base URL) triples remembered by `url_for`; a timeline page asks
# for a few hundred URLs, and Starlette finds each by trying every route (a tenth of the page).
URL_MEMORY = 8192


def create_templates(settings: Settings) -> Jinja2Templates:
    """Templates with the globals every page uses (instance domain, version, a remembering url_for)
    and the time filters."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals["instance_domain"] = settings.domain
    templates.env.globals["software_version"] = __version__
    templates.env.globals["url_for"] = _remembering_url_for()
    templates.env.filters["timestamp"] = timestamp
    templates.env.filters["exact_time"] = exact_time
    return templates


def _remembering_url_for() -> Any:
    """Starlette's template `url_for`, answering a URL it has built before from memory."""
    known: dict[tuple[Any, ...], URL] = {}

    @pass_context
    def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
        request: Request = context["request"]
        key = (name, str(request.base_url), *sorted(path_params.items()))
        try:
            return known[key]
        except KeyError:
            pass
        except TypeError:  # a parameter that cannot be a key: build it every time
            return request.url_for(name, **path_params)
        if len(known) >= URL_MEMORY:
            known.clear()
        url = known[key] = request.url_for(name, **path_params)
        return url

    return url_for
