"""`/media/{filename}`: serving stored media files, whose secret names are capabilities.

Whether a name may be served is decided in `services/media_access.py` (deleted posts' files are
not). Files are served with their stored type, `nosniff`, and a CSP that sandboxes them, so an
upload can never run as a page on our origin. A name never changes what it holds, but its file
can be withdrawn (the post deleted), so shared caches keep it a day, not forever. Starlette's
FileResponse answers Range requests (206), which audio and video players need.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from fediverse_hit.errors import NotFound
from fediverse_hit.services.media_access import may_serve_media
from fediverse_hit.store.media_files import find_media_file

MEDIA_HEADERS = {
    "Cache-Control": "public, max-age=86400, immutable",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": "*",
}


async def media_file(request: Request) -> Response:
    """One stored file; 404 for unknown or malformed names and for files no longer shared."""
    filename = request.path_params["filename"]
    found = find_media_file(request.app.state.settings.media_dir, filename)
    if found is None or not await may_serve_media(filename):
        raise NotFound("No such media file.")
    path, media_type = found
    return FileResponse(path, media_type=media_type, headers=MEDIA_HEADERS)
