"""The error answers of every operation, documented as they are sent.

flask-smorest documents its own error payload (``{code, status, message, errors}``) as a
``default`` response, and a 422 for invalid arguments; the services send the platform's
``{"error": {"code", "message", "details"}}``, with 400 for invalid arguments. Here every error
response refers to ``ErrorSchema``, and each operation lists the statuses it can answer:

- every operation: 400 (``VALIDATION_ERROR``: its arguments, or text that is not UTF-8 without NUL,
  see ``svckit.inputs``) and 503 (``SERVICE_UNAVAILABLE``: the database cannot be reached, see
  ``svckit.errors``);
- with a token (``auth_required``): 401 and 403;
- with a path parameter: 404;
- a mutation: 409 (``REQUEST_IN_PROGRESS`` with an ``Idempotency-Key`` still running,
  ``CONCURRENT_UPDATE``) and 422 (``IDEMPOTENCY_KEY_REUSED``, a broken rule);
- with a body: 413 (larger than the service accepts);
- and what a route declares with ``@errors(...)`` (a 429, a 404 without path parameter...).

No ``default`` response: a status not listed is a defect the schemathesis tests catch.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from flask_smorest import Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from svckit.idempotency import IDEMPOTENCY_KEY_HEADER, MUTATIONS, REQUEST_IN_PROGRESS

_DECLARED = "x-error-statuses"
_MUTATIONS = tuple(sorted(method.lower() for method in MUTATIONS))  # OpenAPI names its operations in lower case

DESCRIPTIONS = {
    400: "Invalid input: VALIDATION_ERROR (the fields in details.fields), or a rule's own code",
    401: "No valid access token (MISSING_TOKEN, INVALID_TOKEN, TOKEN_EXPIRED), or wrong credentials",
    403: "The caller may not do this",
    404: "Not found",
    409: f"Conflict: {REQUEST_IN_PROGRESS} (a request with this {IDEMPOTENCY_KEY_HEADER} is still running; see "
         "Retry-After), CONCURRENT_UPDATE, or the operation's own code",
    413: "PAYLOAD_TOO_LARGE",
    422: "A rule refuses it (its own code), or IDEMPOTENCY_KEY_REUSED",
    429: "Too many attempts; see Retry-After when given",
    503: "SERVICE_UNAVAILABLE (the database cannot be reached; see Retry-After), AUTH_KEYS_UNAVAILABLE, or the "
         "operation's own code",
}


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable, for programs and translations"})
    message = fields.String(required=True, metadata={"description": "for people, in English"})
    details = fields.Dict(required=True, metadata={"description": "e.g. fields: {name: [messages]}"})


class ErrorSchema(Schema):
    """Every error of the platform: ``{"error": {"code", "message", "details"}}``."""

    error = fields.Nested(ErrorBodySchema, required=True)


def errors(*statuses: int) -> Callable[[Callable], Callable]:
    """Document error statuses a route answers beyond those its shape implies (see the module's doc)."""
    return Blueprint.doc(**{_DECLARED: list(statuses)})


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    statuses = {400, 503, *operation.pop(_DECLARED, [])}
    if operation.get("security"):
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if method in _MUTATIONS:
        statuses |= {409, 422}
    if "requestBody" in operation:
        statuses.add(413)
    return statuses


class ErrorResponses(BasePlugin):
    """apispec plugin: replaces flask-smorest's error responses by the platform's (see the module's doc)."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **_kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            if method not in ("get", "head", *_MUTATIONS) or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            # flask-smorest's own: a default response, and a 422 for arguments (sent as 400 here).
            responses.pop("default", None)
            if responses.get("422") == HTTPStatus(422).name or responses.get(422) == HTTPStatus(422).name:
                responses.pop("422", None)
                responses.pop(422, None)
            for status in sorted(error_statuses(path or "", method, operation)):
                if status not in responses:  # a route's own (alt_response keys it by the number): kept
                    responses.setdefault(str(status), HTTPStatus(status).name)


def register_error_responses(spec, content_type: str = "application/json") -> None:
    """The named responses (``BAD_REQUEST``...) operations refer to: the platform's shape and what each means."""
    for status in HTTPStatus:
        if status >= 400:
            response = {"description": DESCRIPTIONS.get(status, status.phrase), "schema": ErrorSchema}
            prepare_response(response, spec, content_type)
            spec.components.response(status.name, response, lazy=True)
