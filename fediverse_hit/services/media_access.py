"""Who may fetch a stored media file: the capability rule of `/media/{name}` (docs/security.md).

Remote servers fetch media unsigned (Mastodon, for one, signs no media GET), so a file's URL is
its own permission: anyone holding it may fetch the file. What keeps a followers-only or direct
post's files private is that their names are secret (128 random bits) and appear only in pages
and documents shown to people who may see the post. A name stops working when the post is
deleted or its author's account is. Older names are content hashes, guessable by anyone holding
the file, so those are served only for what anyone may see anyway.
"""

from __future__ import annotations

from fediverse_hit.services.contribution_rules import can_view
from fediverse_hit.store.media_attachments import find_media_using_file
from fediverse_hit.store.media_files import is_content_addressed
from fediverse_hit.store.models import MediaAttachment


async def may_serve_media(filename: str) -> bool:
    """Whether `/media/{filename}` answers with the file (otherwise 404, as for no file at all).

    A file no attachment uses is an avatar, which is public. A file several attachments share
    (older content-addressed names deduplicated identical uploads) is served if any use allows it.
    """
    uses = await find_media_using_file(filename)
    guessable = is_content_addressed(filename)
    return not uses or any([await _use_allows(media, guessable) for media in uses])


async def _use_allows(media: MediaAttachment, guessable: bool) -> bool:
    contribution = media.contribution
    if contribution is None:  # an upload not yet posted: only its uploader was given the name
        return not guessable
    if contribution.deleted_at is not None or contribution.author.deleted_at is not None:
        return False
    return not guessable or await can_view(None, contribution)
