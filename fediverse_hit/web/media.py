"""`/media/{filename}`: serving stored, content-addressed media files.

Names are content hashes, so responses are cacheable forever. Files are served with their stored
type, `nosniff`, and a CSP that sandboxes them, so an upload can never run as a page on our origin.
Starlette's FileResponse answers Range requests (206), which audio and video players need.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from fediverse_hit.errors import NotFound
from fediverse_hit.store.media_files import find_media_file

MEDIA_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": "*",
}


async def media_file(request: Request) -> Response:
    """One stored file; 404 for unknown or malformed names."""
    found = find_media_file(request.app.state.settings.media_dir, request.path_params["filename"])
    if found is None:
        raise NotFound("No such media file.")
    path, media_type = found
    return FileResponse(path, media_type=media_type, headers=MEDIA_HEADERS)
