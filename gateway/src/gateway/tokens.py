"""The request's bearer token, verified once per request.

Two readers: the rate limits, which count a request with a valid token against its account
(the token's subject) and any other request against the client's address; and the token
routes, which refuse a request without a valid token. An invalid token (forged, expired, of
another audience...) never names an account: it is counted against the address, like no token,
so nobody can spend someone else's allowance, and its 401 is the one the verification raised.
"""

from __future__ import annotations

from flask import g

from svckit.auth import Principal, bearer_token, verify_bearer
from svckit.errors import ApiError


def verified_principal() -> Principal | None:
    """The principal of the request's token when it is valid; None without one or when it is not."""
    if "principal" in g:
        return g.principal
    if "token_error" in g or bearer_token() is None:
        return None
    try:
        return verify_bearer()
    except ApiError as error:  # 401, or 503 when the keys cannot be fetched: kept for the view
        g.token_error = error
        return None


def require_principal() -> Principal:
    """The principal, or the error of its verification (401 in the common shape, or 503)."""
    principal = verified_principal()
    if principal is not None:
        return principal
    if "token_error" in g:
        raise g.token_error
    return verify_bearer()  # no token: MISSING_TOKEN
