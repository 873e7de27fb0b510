"""All Tortoise models of the `hit` app; Tortoise discovers them from this module.

Model docstrings become SQL table comments in migrations: keep semicolons out of them.
"""

from fediverse_hit.store.models.accounts import AccessToken, Account, Invite
from fediverse_hit.store.models.actors import Actor, ActorKey
from fediverse_hit.store.models.contributions import (
    Contribution,
    ContributionTag,
    ContributionVersion,
    MediaAttachment,
    Mention,
)
from fediverse_hit.store.models.federation import (
    Delivery,
    DomainBlock,
    HostHealth,
    InboxItem,
    OutgoingActivity,
)
from fediverse_hit.store.models.instance import InstanceSetting
from fediverse_hit.store.models.projects import Project, ProjectChallenge, ProjectCurator, ProjectSubmission
from fediverse_hit.store.models.project_payments import (
    PaymentAdjustment,
    PaymentComment,
    PaymentProposal,
    ProjectEarning,
    SentStatement,
)
from fediverse_hit.store.models.project_works import ProjectCredits, ProjectWork
from fediverse_hit.store.models.interactions import Boost, Like, Notification
from fediverse_hit.store.models.payments import LedgerEntry, SignedStatement
from fediverse_hit.store.models.rate_limits import RateLimitCounter
from fediverse_hit.store.models.remixes import ChainDocument, ChainKeyDocument, QuoteRequest, RemixSource
from fediverse_hit.store.models.social import Block, Follow, Mute

__all__ = [
    "AccessToken",
    "Account",
    "Actor",
    "ActorKey",
    "Block",
    "ChainDocument",
    "ChainKeyDocument",
    "Boost",
    "Contribution",
    "ContributionTag",
    "ContributionVersion",
    "Delivery",
    "DomainBlock",
    "Follow",
    "HostHealth",
    "InboxItem",
    "InstanceSetting",
    "Invite",
    "LedgerEntry",
    "Like",
    "MediaAttachment",
    "Mention",
    "Mute",
    "Notification",
    "OutgoingActivity",
    "PaymentAdjustment",
    "PaymentComment",
    "PaymentProposal",
    "Project",
    "ProjectChallenge",
    "ProjectCredits",
    "ProjectCurator",
    "ProjectEarning",
    "ProjectSubmission",
    "ProjectWork",
    "QuoteRequest",
    "RateLimitCounter",
    "RemixSource",
    "SentStatement",
    "SignedStatement",
]
