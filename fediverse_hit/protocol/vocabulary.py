"""The typed vocabulary: every closed set of words the server stores, compares or sends, as
`StrEnum`s, and the sets of them that rules name (CONVENTIONS §17).

A member equals its text (`Visibility.PUBLIC == "public"`), so rows, JSON and templates hold
plain strings while code spells values one way only, and a typo is a type error. JSON-LD
contexts and our own terms are in `vocab.py`.
"""

from __future__ import annotations

from enum import StrEnum


class Visibility(StrEnum):
    """Who a contribution is addressed to, as Mastodon names it (`limited` counts as direct)."""

    PUBLIC = "public"
    UNLISTED = "unlisted"
    FOLLOWERS = "followers"
    DIRECT = "direct"


# Anyone may see, boost and quote these (Mastodon's `distributable?`); the rest are addressed.
OPEN_VISIBILITIES = frozenset({Visibility.PUBLIC, Visibility.UNLISTED})


class ContributionKind(StrEnum):
    """What a contribution is made of (our `fhit:kind`)."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    MIXED = "mixed"


# The kinds a single file can be: a contribution of one such file is of that kind.
MEDIA_KINDS = frozenset({ContributionKind.IMAGE, ContributionKind.AUDIO, ContributionKind.VIDEO})


class ActivityType(StrEnum):
    """The activities we send or handle."""

    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"
    FOLLOW = "Follow"
    ACCEPT = "Accept"
    REJECT = "Reject"
    UNDO = "Undo"
    LIKE = "Like"
    ANNOUNCE = "Announce"
    BLOCK = "Block"
    ADD = "Add"
    REMOVE = "Remove"
    QUOTE_REQUEST = "QuoteRequest"  # FEP-044f


class ObjectType(StrEnum):
    """The post-like object types read as contributions (Mastodon's `SUPPORTED_TYPES` and
    `CONVERTED_TYPES` in app/lib/activitypub/activity.rb, plus Event)."""

    NOTE = "Note"
    ARTICLE = "Article"
    PAGE = "Page"
    QUESTION = "Question"
    IMAGE = "Image"
    AUDIO = "Audio"
    VIDEO = "Video"
    EVENT = "Event"


# The one answer to "which objects become contributions": the parser and the Create handler both use it.
POST_TYPES = frozenset(ObjectType)
# Types whose `name` is a title (Mastodon shows name + link for these instead of the content).
TITLED_TYPES = frozenset(
    {ObjectType.ARTICLE, ObjectType.PAGE, ObjectType.IMAGE, ObjectType.AUDIO, ObjectType.VIDEO, ObjectType.EVENT}
)
# What a client may post to its outbox (C2S): the types we publish.
CLIENT_POST_TYPES = (ObjectType.NOTE, ObjectType.ARTICLE)


class TagType(StrEnum):
    """Entries of an object's `tag`: hashtags, mentions and FEP-e232 links."""

    HASHTAG = "Hashtag"
    MENTION = "Mention"
    LINK = "Link"


class FollowState(StrEnum):
    """A follow waits for the followed side's approval, then is accepted."""

    PENDING = "pending"
    ACCEPTED = "accepted"


class NotificationKind(StrEnum):
    """What a local person can be told about."""

    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    REPLY = "reply"
    MENTION = "mention"
    LIKE = "like"
    BOOST = "boost"
    REMIX = "remix"  # someone remixed (or quoted) your work
    QUOTE_REQUEST = "quote_request"  # someone asks to quote your work (FEP-044f, approval by hand)
    SUBMISSION = "submission"  # (curators) someone submitted a contribution to your project
    SELECTED = "selected"  # a project selected your submission
    DECLINED = "declined"  # a project declined your submission
    PAYMENT = "payment"  # a project's payment statement put a line in your ledger (the latest per project)


class SubmissionState(StrEnum):
    """A submission to a project waits in the curators' queue, then is selected or declined."""

    PENDING = "pending"
    SELECTED = "selected"
    DECLINED = "declined"


class ProposalStatus(StrEnum):
    """A payment proposal: open for comments and adjustments, then final (its statement sent)."""

    OPEN = "open"
    FINAL = "final"
