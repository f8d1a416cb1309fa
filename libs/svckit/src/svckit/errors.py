"""One error shape everywhere (DESIGN.md section 4):

``{"error": {"code": "CAMPAIGN_NOT_FOUND", "message": "...", "details": {...}}}``

Each service declares one table mapping its domain exceptions to a status and a code;
the domain raises plain exceptions and knows nothing of HTTP.

Two families of database errors have their answer here, for every service:

- The database cannot be reached or did not answer in time (connection refused or lost, a
  connection the pool invalidated, no pooled connection within ``pool_timeout``, a statement
  cancelled by ``statement_timeout``, a session ended by ``idle_in_transaction_session_timeout``,
  no answer within the client's deadline; see ``svckit.db``): 503 ``SERVICE_UNAVAILABLE`` with
  ``Retry-After``. The request may be sent again; with an ``Idempotency-Key`` it is safe to.
- The database refused a value (``DataError``: a number out of range, text it cannot store): 400
  ``VALIDATION_ERROR``. ``svckit.inputs`` refuses the usual culprits before any route runs; this
  is the net under it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import psycopg
from flask import Flask, jsonify
from sqlalchemy import exc as sa
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("svckit.errors")

_DEFAULT_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException) -> bool:
    """The database is down, unreachable, or did not answer in time: a transient fault, not a bug."""
    if isinstance(error, sa.TimeoutError):  # no pooled connection within pool_timeout
        return True
    if isinstance(error, sa.DBAPIError):
        return bool(error.connection_invalidated) or isinstance(error, (sa.OperationalError, sa.InterfaceError))
    # Raised by the driver outside SQLAlchemy (QueryCanceled, AdminShutdown are OperationalErrors).
    return isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError))


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


def error_body(code: str, message: str, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": dict(details or {})}}


def error_response(status: int, code: str, message: str, details: Mapping[str, Any] | None = None,
                   headers: Mapping[str, str] | None = None):
    response = jsonify(error_body(code, message, details))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_exception_response(error: HTTPException):
    """Werkzeug/flask-smorest exceptions in the common shape.

    Request validation by webargs arrives as a 422 carrying field messages; the design
    gives invalid input a 400 with the field messages in ``details``.
    """
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages is not None and status in (400, 422):  # 400: a body that is not JSON
        fields = {}
        for location in messages.values():  # {"json": {...}, "query": {...}}
            fields.update(location if isinstance(location, dict) else {"_": location})
        return error_response(400, "VALIDATION_ERROR", "The request is invalid.", {"fields": fields})
    message = data.get("message") or error.description or "Error"
    kept = {name: value for name, value in error.get_headers() if name.lower() in ("allow", "retry-after", "location")}
    return error_response(status, _DEFAULT_CODES.get(status, "ERROR"), str(message), headers=kept)


def register_error_handlers(app: Flask, table: Mapping[type[Exception], tuple[int, str]]) -> None:
    """Map domain exceptions to (status, code); the exception's text is the message.

    An exception with an ``error_code`` attribute names its own code (one exception class for
    a family of validation rules); ``details`` and ``headers`` attributes are passed on.
    """

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, error.details, error.headers)

    for exception, (status, code) in table.items():

        def _handler(error: Exception, status: int = status, code: str = code):
            return error_response(status, getattr(error, "error_code", None) or code, str(error),
                                  getattr(error, "details", None), getattr(error, "headers", None))

        app.register_error_handler(exception, _handler)

    app.register_error_handler(Exception, any_error_response)


def any_error_response(error: Exception):
    """The answer to an error no table maps: HTTP errors, an unreachable database, a refused value, or a 500."""
    # What failed outside a view (an after_request hook: storing an idempotent answer) reaches the handlers
    # wrapped by Flask in a 500; the wrapped error decides.
    original = getattr(error, "original_exception", None)
    if isinstance(error, InternalServerError) and original is not None:
        error = original
    if isinstance(error, HTTPException):
        return http_exception_response(error)
    if database_unavailable(error):
        log.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
        return error_response(503, "SERVICE_UNAVAILABLE", "The service cannot reach its database; try again "
                              "shortly.", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if isinstance(error, sa.DataError):
        log.warning("value refused by the database", exc_info=error)
        return error_response(400, "VALIDATION_ERROR", "The request is invalid: a value is out of range or "
                              "cannot be stored.", {"fields": {"_schema": ["A value is out of range or cannot be "
                                                                           "stored."]}})
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred; it has been logged.")
