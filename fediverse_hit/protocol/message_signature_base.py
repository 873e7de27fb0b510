"""The RFC 9421 signature base: component values for a request and their serialization.

Spec: https://www.rfc-editor.org/rfc/rfc9421 §2.1 (fields), §2.2 (derived components),
§2.3 (`@signature-params`) and §2.5 (the base itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from http_sfv.dictionary import Dictionary
from http_sfv.item import InnerList

from fediverse_hit.protocol.signature_primitives import (
    HeaderInput,
    SignatureError,
    authority_of,
    collect_fields,
)

# RFC 9421 §2.2.8 re-encodes query parameters with the application/x-www-form-urlencoded
# percent-encode set of the URL Standard: all but ASCII alphanumerics and *-._ are escaped.
_FORM_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._")


@dataclass(frozen=True)
class SignatureContext:
    """The request a signature is made or checked over, as received (or about to be sent)."""

    method: str
    url: str  # the full target URI: scheme, authority from Host, undecoded path and query
    fields: dict[str, str]  # as from `collect_fields`


def parse_inner_list(text: str) -> InnerList:
    """Parse a serialized inner list with parameters, e.g. `("@method");keyid="k"`."""
    covered = InnerList()
    try:
        if not text.startswith("(") or covered.parse(text.encode("ascii")) != len(text):
            raise ValueError("not exactly one inner list")
    except (ValueError, IndexError, UnicodeEncodeError) as exc:
        raise SignatureError("signature parameters are not a structured inner list") from exc
    return covered


def parse_dictionary(fields: dict[str, str], name: str) -> Dictionary:
    """Parse the structured-field Dictionary in header `name`; SignatureError if absent or bad."""
    if name not in fields:
        raise SignatureError(f"missing {name.title()} header")
    parsed = Dictionary()
    try:
        parsed.parse(fields[name].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError(f"{name.title()} header is not a structured-field dictionary") from exc
    return parsed


def build_signature_base(method: str, url: str, headers: HeaderInput, signature_params: str) -> str:
    """The signature base for one Signature-Input member value (without its label), e.g.
    `("@method" "@path");created=1618884473;keyid="test-key-ed25519"`."""
    context = SignatureContext(method, url, collect_fields(headers))
    return signature_base(context, parse_inner_list(signature_params))


def signature_base(context: SignatureContext, covered: InnerList) -> str:
    """RFC 9421 §2.5: one `"component": value` line per covered component, then
    `"@signature-params"` with the covered list re-serialized strictly (RFC 8941 §4)."""
    lines: list[str] = []
    seen: set[tuple[object, frozenset[tuple[str, object]]]] = set()
    for item in covered:
        if not isinstance(item.value, str):
            raise SignatureError(f"covered component {item} is not a string")
        identity = (item.value, frozenset(item.params.items()))
        if identity in seen:
            raise SignatureError(f"component {item} is covered twice")
        seen.add(identity)
        value = _component_value(context, item.value, dict(item.params))
        if "\n" in value or "\r" in value:
            raise SignatureError(f"component {item} contains a line break")
        lines.append(f"{item}: {value}")
    lines.append(f'"@signature-params": {covered}')
    base = "\n".join(lines)
    if not base.isascii():
        raise SignatureError("signature base contains non-ASCII characters")
    return base


def _component_value(context: SignatureContext, name: str, params: dict[str, object]) -> str:
    # Only `key` (dictionary members) and @query-param's `name` are understood; `sf`, `bs`,
    # `req` and `tr` must then be errors (§2.5 step 2.4).
    allowed = {"name"} if name == "@query-param" else set() if name.startswith("@") else {"key"}
    unknown = set(params) - allowed
    if unknown:
        raise SignatureError(f"unsupported parameter {sorted(unknown)[0]!r} on component {name!r}")
    if not name.startswith("@"):
        return _field_value(context.fields, name, params.get("key"))
    parts = urlsplit(context.url)
    if name == "@method":
        return context.method
    if name == "@target-uri":
        return context.url
    if name == "@authority":
        return authority_of(context.url)
    if name == "@scheme":
        return parts.scheme.lower()
    if name == "@request-target":
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if name == "@path":
        return parts.path or "/"
    if name == "@query":
        return f"?{parts.query}"
    if name == "@query-param":
        return _query_param(parts.query, params.get("name"))
    raise SignatureError(f"unsupported derived component {name!r}")


def _field_value(fields: dict[str, str], name: str, key: object) -> str:
    if name not in fields:
        raise SignatureError(f"covered header {name!r} is missing from the request")
    if key is None:
        return fields[name]
    dictionary = parse_dictionary(fields, name)
    if not isinstance(key, str) or key not in dictionary:
        raise SignatureError(f"covered member {key!r} is missing from header {name!r}")
    return str(dictionary[key])


def _query_param(query: str, name: object) -> str:
    """RFC 9421 §2.2.8: parse as form data, then percent-encode name and value again."""
    if not isinstance(name, str):
        raise SignatureError("@query-param needs a string name parameter")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise SignatureError("query string is not UTF-8") from exc
    values = [_form_encode(value) for key, value in pairs if _form_encode(key) == name]
    if len(values) != 1:
        problem = "missing from" if not values else "repeated in"
        raise SignatureError(f"query parameter {name!r} is {problem} the request")
    return values[0]


def _form_encode(text: str) -> str:
    return "".join(chr(b) if b in _FORM_SAFE else f"%{b:02X}" for b in text.encode("utf-8"))
