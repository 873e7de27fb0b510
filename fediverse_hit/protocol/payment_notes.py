"""The Mastodon fallback of a payment statement: a direct `Note` to one contributor with a readable
summary and a link (DESIGN §7 Payments), for servers that do not know `fhit:PaymentStatement`.

Direct as Mastodon makes a direct message: addressed `to` the person alone, no `cc`, and a
`Mention` tag for them, which Mastodon needs to show it as a private mention
(app/lib/activitypub/activity/create.rb, `process_audience` / `visibility_from_audience`).
"""

from __future__ import annotations

import html
from typing import Any

from fediverse_hit.protocol.currencies import format_amount
from fediverse_hit.protocol.payment_documents import ParsedPayment
from fediverse_hit.protocol.vocab import AS_CONTEXT


def summarize_statement_line(statement: ParsedPayment, actor: str, project_name: str, work_name: str) -> str:
    """One plain sentence: what `actor` is owed, by whom, for what, out of which pool."""
    currency = statement.terms.earning.currency
    owed = format_amount(statement.lines.get(actor, 0), currency)
    pool = format_amount(statement.pool, currency)
    return (
        f"Payment statement from {project_name}: you are owed {owed} for “{work_name}”, "
        f"your part of a {pool} contributor pool."
    )


def build_statement_note(
    note_id: str,
    statement: ParsedPayment,
    recipient: str,
    recipient_handle: str,
    names: tuple[str, str],
    *,
    link: str,
    published: str,
) -> dict[str, Any]:
    """A direct Note from the project to `recipient` (`@handle` shown in the mention) summing up
    their line of `statement`; `names` are the project's and the work's display names; `link` is
    where the signed statement can be read."""
    project_name, work_name = names
    summary = summarize_statement_line(statement, recipient, project_name, work_name)
    mention = (
        f'<span class="h-card" translate="no"><a href="{html.escape(recipient)}" class="u-url mention">'
        f"@<span>{html.escape(recipient_handle.lstrip('@'))}</span></a></span>"
    )
    content = (
        f"<p>{mention} {html.escape(summary)}</p>"
        f'<p><a href="{html.escape(link)}">Read the signed statement</a></p>'
    )
    return {
        "@context": AS_CONTEXT,
        "id": note_id,
        "type": "Note",
        "attributedTo": statement.terms.project,
        "content": content,
        "published": published,
        "to": [recipient],
        "cc": [],
        "tag": [{"type": "Mention", "href": recipient, "name": f"@{recipient_handle.lstrip('@')}"}],
        "url": link,
    }
