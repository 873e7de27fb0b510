"""Quote consent pages (FEP-044f): the requests waiting for the author's approval and the ones
approved (with revoke), the default policy in the settings, and the QuoteAuthorization stamps."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.federation import quote_approvals
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.quote_consent import ConsentState, QuotePolicy
from fediverse_hit.services.quote_consent import consent_notice, consent_of, set_default_quote_policy
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Contribution, QuoteRequest, RemixSource
from fediverse_hit.store.quote_requests import list_incoming
from fediverse_hit.web.contribution_cards import actor_handle, actor_link, label_of, page_url, safe_href
from fediverse_hit.web.negotiation import activity_response
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form, require_account

NOTICES = {
    "approved": "Approved: the remix now carries your approval.",
    "rejected": "Declined: the remix will no longer show your work as a quote.",
    "revoked": "Approval withdrawn: its stamp is gone and the remix's server was told.",
    "policy": "Saved who may quote your new works.",
}


POLICY_LABELS = {
    QuotePolicy.ANYONE: "Anyone (approved at once)",
    QuotePolicy.FOLLOWERS: "My followers (others are declined)",
    QuotePolicy.MANUAL: "People I approve, one request at a time",
}


def _row(request: QuoteRequest, urls: InstanceUrls) -> dict[str, Any]:
    assert request.quoted is not None
    return {
        "id": request.id,
        "from": actor_link(request.requester, urls),
        "work": {"label": label_of(request.quoted), "href": page_url(request.quoted)},
        "quote_href": page_url(request.quote) if request.quote is not None else request.quote_uri,
        # A remix from elsewhere read here has its own page; its server's copy is one more link.
        "quote_origin": safe_href(request.quote_uri) if request.quote is not None and not request.quote.local else "",
    }


async def quote_requests_page(request: Request) -> Response:
    """`GET /quote-requests`: who asks to quote the viewer's works, and whom they approved."""
    account = await require_account(request)
    author = await account.actor
    urls: InstanceUrls = request.app.state.urls
    pending = await list_incoming(author, [ConsentState.PENDING])
    # Remixes of one's own works are approved by rule (FEP-044f): nothing to decide or withdraw.
    approved = [item for item in await list_incoming(author, [ConsentState.ACCEPTED])
                if item.requester.id != author.id]
    context = {
        "pending": [_row(item, urls) for item in pending],
        "approved": [_row(item, urls) for item in approved],
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
        "default_policy": account.quote_policy,
        "policies": POLICY_LABELS,
        "section": "quotes",
    }
    return await render(request, "quote_requests.html", context)


async def _answer(request: Request, action: str) -> Response:
    account = await require_account(request)
    await read_form(request)
    owner = await account.actor
    urls: InstanceUrls = request.app.state.urls
    row_id = int(request.path_params["row_id"])
    if action == "approved":
        await quote_approvals.approve_quote_request(owner, row_id, urls)
    elif action == "rejected":
        await quote_approvals.reject_quote_request(owner, row_id, urls)
    else:
        await quote_approvals.revoke_quote_authorization(owner, row_id, urls)
    return RedirectResponse(f"{request.url_for('quote_requests')}?done={action}", status_code=303)


async def approve(request: Request) -> Response:
    return await _answer(request, "approved")


async def reject(request: Request) -> Response:
    return await _answer(request, "rejected")


async def revoke(request: Request) -> Response:
    return await _answer(request, "revoked")


async def save_default_policy(request: Request) -> Response:
    """`POST /settings/quote-policy`: who may quote the viewer's works unless a work says otherwise."""
    account = await require_account(request)
    form = await read_form(request)
    value = form.get("quote_policy", "")
    await set_default_quote_policy(account, value if isinstance(value, str) else "")
    return RedirectResponse(f"{request.url_for('quote_requests')}?done=policy", status_code=303)


async def quote_authorization(request: Request) -> Response:
    """`/contributions/{id}/quote-authorizations/{n}`: the stamp, 410 once revoked (FEP-044f).
    Public, like Mastodon's: it names the two posts by IRI and embeds neither."""
    document = await quote_approvals.stamp_document(
        str(request.path_params["local_id"]), int(request.path_params["row_id"]), request.app.state.urls
    )
    return activity_response(document, request=request)


async def consent_line(contribution: Contribution) -> str:
    """What a local remix's page says about its quote consent ("" for other works)."""
    if not contribution.local:
        return ""
    request = await consent_of(contribution)
    if request is None:
        return ""
    primary = await RemixSource.filter(remix=contribution, position=0).first()
    author_uri = primary.author_uris[0] if primary is not None and primary.author_uris else None
    author = await find_actor_by_uri(author_uri) if author_uri else None
    if author is not None and author.id == contribution.author_id:  # type: ignore[attr-defined]
        return ""  # a remix of one's own work needs nobody's approval
    label = actor_handle(author) if author is not None else (author_uri or "the source's author")
    return consent_notice(request.state, label)
