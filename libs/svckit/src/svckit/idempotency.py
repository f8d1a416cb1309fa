"""``Idempotency-Key`` on mutations: a retried request gets the first answer, not a second effect.

A client that lost the answer to a POST sends it again with the same key; the service
answers with the stored response (header ``Idempotent-Replayed: true``). The key is scoped
to the authenticated user (or to anonymous callers), and bound to the request's method,
path and body: the same key with another request is refused (422). While the first request
runs, a second one with its key gets 409. Server errors (5xx) are not stored, so a retry
after one runs again. Keys live for 24 hours.

What this costs: one insert and one update per keyed mutation, in their own short
transactions. The stored answer and the effect are not in one transaction: if the process
dies between them, the key stays "in progress" (409) until it expires, which is safe
(no second effect) but slow for that client. Endpoints whose answers are secrets (tokens)
are exempt: their answers must never be stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from flask import Flask, Response, g, request
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert

from svckit.auth import authenticate, bearer_token
from svckit.errors import ApiError

HEADER = "Idempotency-Key"
MUTATIONS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_STORED_BODY = 256 * 1024


def idempotency_table(metadata: MetaData, name: str = "idempotency_keys") -> Table:
    return Table(
        name,
        metadata,
        Column("scope", String(100), nullable=False),
        Column("key", String(200), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("status", Integer),  # null while the first request runs
        Column("content_type", String(200)),
        Column("body", LargeBinary),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("scope", "key", name=f"pk_{name}"),
    )


class IdempotencyKeys:
    def __init__(self, engine: Engine, table: Table, *, exempt_paths: Iterable[str] = (),
                 ttl: timedelta = timedelta(hours=24)) -> None:
        self.engine, self.table, self.ttl = engine, table, ttl
        self.exempt_paths = tuple(exempt_paths)

    def init_app(self, app: Flask) -> None:
        app.before_request(self._before)
        app.after_request(self._after)
        app.teardown_request(self._teardown)

    def _applies(self) -> bool:
        return (
            request.method in MUTATIONS
            and HEADER in request.headers
            and not any(request.path.startswith(path) for path in self.exempt_paths)
        )

    def _before(self) -> Response | None:
        if not self._applies():
            return None
        key = request.headers[HEADER].strip()
        if not 1 <= len(key) <= 200:
            raise ApiError(400, "INVALID_IDEMPOTENCY_KEY", "The Idempotency-Key header must have 1 to 200 characters.")
        scope = authenticate().user_id if bearer_token() else "anonymous"
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.full_path.encode(), request.get_data(cache=True)])
        ).hexdigest()
        t = self.table
        cutoff = datetime.now(timezone.utc) - self.ttl
        with self.engine.begin() as connection:
            connection.execute(delete(t).where(t.c.scope == scope, t.c.key == key, t.c.created_at < cutoff))
            inserted = connection.execute(
                insert(t).values(scope=scope, key=key, fingerprint=fingerprint)
                .on_conflict_do_nothing(index_elements=["scope", "key"]).returning(t.c.key)
            ).first()
            if inserted is not None:
                g.idempotency = (scope, key)
                return None
            row = connection.execute(select(t).where(t.c.scope == scope, t.c.key == key)).one()
        if row.fingerprint != fingerprint:
            raise ApiError(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for another request.")
        if row.status is None:
            raise ApiError(409, "REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still running.")
        replay = Response(row.body, status=row.status, content_type=row.content_type)
        replay.headers["Idempotent-Replayed"] = "true"
        return replay

    def _after(self, response: Response) -> Response:
        pending = g.pop("idempotency", None)
        if pending is None:
            return response
        scope, key = pending
        t = self.table
        where = (t.c.scope == scope, t.c.key == key)
        with self.engine.begin() as connection:
            body = None if response.is_streamed else response.get_data()
            if response.status_code >= 500 or body is None or len(body) > MAX_STORED_BODY:
                connection.execute(delete(t).where(*where))
            else:
                connection.execute(
                    update(t).where(*where).values(status=response.status_code, content_type=response.content_type, body=body)
                )
        return response

    def _teardown(self, _error: BaseException | None) -> None:
        pending = g.pop("idempotency", None)
        if pending is not None:  # the request died before an answer: free the key
            scope, key = pending
            with self.engine.begin() as connection:
                connection.execute(delete(self.table).where(self.table.c.scope == scope, self.table.c.key == key))
