"""Editing a local person's profile: the rules (Mastodon's limits, FEP-0ea0 payment links) and saving.

Everything is checked before anything is written: a profile with any error changes nothing.
Limits follow Mastodon (4 fields of 255 characters, 1,500-character alt text) so what we publish
is shown in full there. Payment links are FEP-0ea0 `Link`s with `rel: payment`:
https://codeberg.org/fediverse/fep/src/branch/main/fep/0ea0/fep-0ea0.md
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from anyio import to_thread
from tortoise.transactions import in_transaction

from fediverse_hit.errors import HitError, ValidationFailed
from fediverse_hit.services.images import CleanImage, clean_avatar, clean_header
from fediverse_hit.store.media_files import save_media_file
from fediverse_hit.store.models import Account, Actor

MAX_DISPLAY_NAME = 100
MAX_BIO = 2_000
MAX_ALT_TEXT = 1_500
MAX_FIELDS = 4
MAX_FIELD_PART = 255
MAX_PAYMENT_LINKS = 4
MAX_LINK_NAME = 255
MAX_LINK_URL = 2_048


class MediaIris(Protocol):
    """Builds the public URL of a stored media file (`federation.urls.InstanceUrls` fits)."""

    def media(self, filename: str) -> str: ...


@dataclass(frozen=True)
class MediaStorage:
    """Where avatars go and how large an upload may be."""

    media_dir: Path
    iris: MediaIris
    max_avatar_bytes: int


@dataclass(frozen=True)
class ProfileInput:
    """A profile as submitted (or as currently stored), before validation."""

    display_name: str = ""
    bio: str = ""
    avatar_alt: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    payment_links: tuple[tuple[str, str], ...] = ()
    manually_approves_followers: bool = False
    hide_collections: bool = False
    remove_avatar: bool = False
    header_alt: str = ""
    remove_header: bool = False


class ProfileRejected(ValidationFailed):
    """The submitted profile breaks rules; `errors` maps each form field to what is wrong."""

    def __init__(self, errors: dict[str, str], status_code: int = 422) -> None:
        count = len(errors)
        super().__init__(f"The profile was not saved: {count} problem{'s' if count != 1 else ''} to fix.")
        self.errors = errors
        self.status_code = status_code


def current_profile(account: Account, actor: Actor) -> ProfileInput:
    """The stored profile in the shape of the edit form."""
    return ProfileInput(
        display_name=actor.name,
        bio=actor.summary,
        avatar_alt=actor.icon_alt,
        fields=tuple((item["name"], item["value"]) for item in actor.profile_fields),
        payment_links=tuple((item["name"], item["href"]) for item in actor.payment_links),
        manually_approves_followers=actor.manually_approves_followers,
        hide_collections=account.hide_collections,
        header_alt=actor.image_alt,
    )


def normalize_profile(profile: ProfileInput) -> ProfileInput:
    """Trim text, unify line breaks and drop fully empty field and link rows."""
    return ProfileInput(
        display_name=" ".join(profile.display_name.split()),
        bio=profile.bio.replace("\r\n", "\n").replace("\r", "\n").strip(),
        avatar_alt=profile.avatar_alt.strip(),
        fields=_non_empty_rows(profile.fields),
        payment_links=_non_empty_rows(profile.payment_links),
        manually_approves_followers=profile.manually_approves_followers,
        hide_collections=profile.hide_collections,
        remove_avatar=profile.remove_avatar,
        header_alt=profile.header_alt.strip(),
        remove_header=profile.remove_header,
    )


def _non_empty_rows(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    stripped = ((name.strip(), value.strip()) for name, value in rows)
    return tuple((name, value) for name, value in stripped if name or value)


def check_profile(profile: ProfileInput) -> dict[str, str]:
    """Every rule a normalized profile breaks, keyed by form field; empty when it is valid."""
    errors: dict[str, str] = {}
    if len(profile.display_name) > MAX_DISPLAY_NAME:
        errors["display_name"] = f"Display names are at most {MAX_DISPLAY_NAME} characters."
    if len(profile.bio) > MAX_BIO:
        errors["bio"] = f"The bio is at most {MAX_BIO:,} characters (this one has {len(profile.bio):,})."
    if len(profile.avatar_alt) > MAX_ALT_TEXT:
        errors["avatar_alt"] = f"Alt text is at most {MAX_ALT_TEXT:,} characters."
    if len(profile.header_alt) > MAX_ALT_TEXT:
        errors["header_alt"] = f"Alt text is at most {MAX_ALT_TEXT:,} characters."
    errors.update(_check_fields(profile.fields))
    errors.update(_check_payment_links(profile.payment_links))
    return errors


def _check_fields(fields: tuple[tuple[str, str], ...]) -> dict[str, str]:
    if len(fields) > MAX_FIELDS:
        return {"fields": f"A profile has at most {MAX_FIELDS} fields."}
    errors: dict[str, str] = {}
    for index, (name, value) in enumerate(fields):
        if not name or not value:
            errors[f"field_{index}"] = "Give this field both a label and a content."
        elif len(name) > MAX_FIELD_PART or len(value) > MAX_FIELD_PART:
            errors[f"field_{index}"] = f"Field labels and contents are at most {MAX_FIELD_PART} characters each."
    return errors


def _check_payment_links(links: tuple[tuple[str, str], ...]) -> dict[str, str]:
    if len(links) > MAX_PAYMENT_LINKS:
        return {"payment_links": f"A profile has at most {MAX_PAYMENT_LINKS} payment links."}
    errors: dict[str, str] = {}
    for index, (name, url) in enumerate(links):
        if not name or not url:
            errors[f"payment_{index}"] = "Give this payment link both a name and an address."
        elif len(name) > MAX_LINK_NAME:
            errors[f"payment_{index}"] = f"Payment link names are at most {MAX_LINK_NAME} characters."
        elif not is_https_url(url):
            errors[f"payment_{index}"] = "Payment links must be https:// addresses, such as https://ko-fi.com/you."
    return errors


def is_https_url(url: str) -> bool:
    """True for a plausible absolute https URL with a host and no spaces or credentials."""
    if len(url) > MAX_LINK_URL or any(char.isspace() for char in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme == "https" and bool(host) and parts.username is None and parts.password is None


async def save_profile(
    account: Account, submitted: ProfileInput, avatar: bytes | None, storage: MediaStorage, header: bytes | None = None
) -> None:
    """Validate the profile and the avatar and header uploads (if any), then store them together.

    ProfileRejected (422, or 413 for an oversized image) lists every problem; nothing is saved then.
    """
    profile = normalize_profile(submitted)
    errors = check_profile(profile)
    status = 422
    images: dict[str, CleanImage] = {}
    for name, data, clean in (("avatar", avatar, clean_avatar), ("header", header, clean_header)):
        if data is None:
            continue
        try:
            images[name] = await to_thread.run_sync(clean, data, storage.max_avatar_bytes)
        except HitError as exc:
            errors[name] = exc.message
            status = 413 if exc.status_code == 413 else status  # an oversized upload says so
    if errors:
        raise ProfileRejected(errors, status)
    actor = await account.actor
    if "avatar" in images:
        actor.icon_url, actor.icon_media_type = await _store_image(images["avatar"], storage)
    elif profile.remove_avatar:
        actor.icon_url = actor.icon_media_type = ""
    if "header" in images:
        actor.image_url, actor.image_media_type = await _store_image(images["header"], storage)
    elif profile.remove_header:
        actor.image_url = actor.image_media_type = ""
    await _store_profile(account, actor, profile)


async def _store_image(image: CleanImage, storage: MediaStorage) -> tuple[str, str]:
    """Write a cleaned image to the media directory: its public URL and media type."""
    filename = await to_thread.run_sync(save_media_file, storage.media_dir, image.data, image.extension)
    return storage.iris.media(filename), image.media_type


async def _store_profile(account: Account, actor: Actor, profile: ProfileInput) -> None:
    actor.name = profile.display_name
    actor.summary = profile.bio
    actor.icon_alt = profile.avatar_alt if actor.icon_url else ""
    actor.image_alt = profile.header_alt if actor.image_url else ""
    actor.profile_fields = [{"name": name, "value": value} for name, value in profile.fields]
    actor.payment_links = [{"name": name, "href": href} for name, href in profile.payment_links]
    actor.manually_approves_followers = profile.manually_approves_followers
    account.hide_collections = profile.hide_collections
    async with in_transaction():
        await actor.save()
        await account.save(update_fields=["hide_collections"])
