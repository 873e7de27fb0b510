"""JSON-LD contexts: the remote ones peers ship preloaded, and our inline term map (DESIGN §7).

Our own terms live under `FHIT_NAMESPACE` (documented in docs/vocabulary.md); every other
non-preloaded term (Mastodon's `toot:`, schema.org) is defined inline so no peer fetches a context.
"""

from __future__ import annotations

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_V1 = "https://w3id.org/security/v1"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
WEBFINGER_CONTEXT = "https://purl.archive.org/socialweb/webfinger"
PUBLIC_COLLECTION = "https://www.w3.org/ns/activitystreams#Public"

FHIT_NAMESPACE = "https://fediverse-hit.org/ns#"
TOOT_NAMESPACE = "http://joinmastodon.org/ns#"
SCHEMA_NAMESPACE = "http://schema.org#"

INLINE_TERMS: dict[str, object] = {
    "toot": TOOT_NAMESPACE,
    "schema": SCHEMA_NAMESPACE,
    "fhit": FHIT_NAMESPACE,
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "sensitive": "as:sensitive",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
}

# The same remote contexts Fedify sends on actors (`assertionMethod` comes from did/v1 and
# data-integrity/v1, `Multikey` from multikey/v1), all preloaded by the major servers.
ACTOR_CONTEXT: list[object] = [
    AS_CONTEXT,
    SECURITY_V1,
    DATA_INTEGRITY_V1,
    DID_V1,
    MULTIKEY_V1,
    WEBFINGER_CONTEXT,
    INLINE_TERMS,
]

GTS_NAMESPACE = "https://gotosocial.org/ns#"
CC_NAMESPACE = "http://creativecommons.org/ns#"

# Terms a contribution (`Note`, DESIGN §7) adds to the actor terms. `interactionPolicy`, `canQuote`
# and `automaticApproval`/`manualApproval` are spelled as Mastodon 4.5 sends them
# (app/helpers/context_helper.rb, `interaction_policies`), after GoToSocial's
# docs/federation/interaction_policy.md. `license` is ccREL's cc:license (the property the deeds
# themselves use); `schema:license` mirrors it for readers of schema.org.
NOTE_TERMS: dict[str, object] = {
    **INLINE_TERMS,
    "gts": GTS_NAMESPACE,
    "Hashtag": "as:Hashtag",
    "blurhash": "toot:blurhash",
    "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    "license": {"@id": f"{CC_NAMESPACE}license", "@type": "@id"},
    "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
    "canQuote": {"@id": "gts:canQuote", "@type": "@id"},
    "automaticApproval": {"@id": "gts:automaticApproval", "@type": "@id"},
    "manualApproval": {"@id": "gts:manualApproval", "@type": "@id"},
}

# AS2, then data-integrity/v1 for `proof` (FEP-8b32), then our inline terms.
NOTE_CONTEXT: list[object] = [AS_CONTEXT, DATA_INTEGRITY_V1, NOTE_TERMS]

SECURITY_NAMESPACE = "https://w3id.org/security#"

# Terms a remix adds (protocol/remix_sources.py). `fhit:sources` is an ordered list (the first
# source is the primary one, the one `quote` points at), which JSON-LD keeps only under `@list`.
# `digestMultibase` is defined as the VC 2.0 context defines it; none of the preloaded contexts
# (AS2, security/v1, data-integrity/v1, multikey/v1) has it. Weights and the upstream share are
# plain JSON integers, which JSON-LD already reads as xsd:integer.
SOURCE_TERMS: dict[str, object] = {
    "fhit:sources": {"@id": "fhit:sources", "@container": "@list"},
    "digestMultibase": {
        "@id": f"{SECURITY_NAMESPACE}digestMultibase",
        "@type": f"{SECURITY_NAMESPACE}multibase",
    },
}

# The quote terms a remix carries for Mastodon and Misskey-family servers, defined as Mastodon 4.5
# defines them (app/helpers/context_helper.rb): FEP-044f `quote` and `quoteAuthorization`, Fedibird's
# `quoteUri`, Misskey's `_misskey_quote`, and `quoteUrl` under the AS namespace as Misskey writes it.
QUOTE_TERMS: dict[str, object] = {
    "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
    "quoteUri": "http://fedibird.com/ns#quoteUri",
    "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
    "quoteUrl": "as:quoteUrl",
    "quoteAuthorization": {"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
}

# A remix: the Note context plus the source and quote terms.
REMIX_NOTE_CONTEXT: list[object] = [AS_CONTEXT, DATA_INTEGRITY_V1, {**NOTE_TERMS, **SOURCE_TERMS, **QUOTE_TERMS}]

# Terms a project's Group actor adds (DESIGN §7): its submissions and selected collections (IRIs),
# the contributors' pool in basis points and the comment window in days (plain integers), the
# licence of its works (ccREL, as on a Note) and the terms a submission consents to.
PROJECT_TERMS: dict[str, object] = {
    "fhit:submissions": {"@id": "fhit:submissions", "@type": "@id"},
    "fhit:selected": {"@id": "fhit:selected", "@type": "@id"},
    "fhit:curators": {"@id": "fhit:curators", "@type": "@id"},
    "license": {"@id": f"{CC_NAMESPACE}license", "@type": "@id"},
}

PROJECT_ACTOR_CONTEXT: list[object] = [*ACTOR_CONTEXT[:-1], {**INLINE_TERMS, **PROJECT_TERMS}]
