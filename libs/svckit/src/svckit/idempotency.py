"""``Idempotency-Key`` on mutations: a retried request gets the first answer, not a second effect.

A client that lost the answer to a POST sends it again with the same key; the service
answers with the stored response (header ``Idempotent-Replayed: true``). The key is scoped
to the authenticated user (or to anonymous callers), and bound to the request's method,
path and body: the same key with another request is refused (422). While the first request
runs, a second one with its key gets 409 ``REQUEST_IN_PROGRESS`` with ``Retry-After``. Server
errors (5xx) are not stored, so a retry after one runs again. Answers are kept 24 hours;
``<service> idempotency prune`` deletes older ones (``make up`` runs it every few minutes, and a
Kubernetes CronJob per service in deploy/), on an index of their creation time.

What this costs: one insert and one update per keyed mutation, in their own short
transactions, beside the effect's. The stored answer and the effect are not in one
transaction, so the answer's write can fail (or the process die) after the effect committed.
Two rules keep that from locking a client out:

- **A lease.** A key is "in progress" for at most ``lease`` (60 s by default, longer than any
  request of the platform, whose database waits are bounded: ``svckit.db``). A request that
  fails frees its key at once when the database lets it (5xx, or the teardown of a request that
  died). When it does not (the database is the failure), the process keeps the key and frees it
  as soon as the database answers again: before its own next keyed request, and from a thread
  every half second (the retry may reach another replica), so a client is not refused for a
  whole lease after a short cut. Only when the process is gone too does the key wait for its
  lease: the next request with it takes it over once the lease has run out, and runs. The holder's ``created_at``
  (the taker writes its own) is its token: every write of a request's answer, or freeing of its key,
  names it, so that a request finishing after its key was taken over touches nothing (freeing the
  taker's key would let a third request run beside the taker).
- **Routes whose effect must not happen twice are idempotent in their domain**, so that the
  request run again after a lost answer gives the real outcome instead of a second effect:
  posting an answer the assessment already recorded gives back the recorded answer (assessment),
  joining a campaign again gives back the live participation (campaigns). Recording the key's
  answer inside each handler's transaction would need every route's answer built before its
  commit; the domain rule also holds for a client that sends no key at all.

Endpoints whose answers are secrets (tokens) are exempt: their answers must never be stored.

**One transaction per keyed request** (``one_transaction=True``; assessment, issue 18): the key's row is
inserted in a transaction the request holds, every unit of work of the request joins it (``svckit.uow``:
its ``commit`` writes, the request commits), and the answer is written into the row before that single
commit. The two extra transactions are gone, and so is the gap between effect and answer: a failure or a
death before the commit leaves neither effect nor key, so the retry simply runs (no lease to wait for, no key
to free late). A second request with the key *waits* on the first's uncommitted row (PostgreSQL's insert
on conflict), then replays its answer: one effect, and no 409 (its wait is bounded by ``statement_timeout``,
then 503). A refusal (4xx) rolls the request's writes back with its unit of work; its answer is then stored
in a short transaction of its own, and replayed as any other. Announcements (``svckit.live``) wait for the
commit. Keys left "in progress" by a process of the other kind (a rollout) keep the lease rule.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from flask import Flask, Response, g, request
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError

from svckit.auth import authenticate, bearer_token
from svckit.errors import ApiError
from svckit.uow import deferred_announcements, joined_connection

# What the services and the gateway agree on (the gateway imports them from here): the request's header,
# the answer's header on a replay, the code of a key whose first request still runs, and the methods a key
# applies to.
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
REQUEST_IN_PROGRESS = "REQUEST_IN_PROGRESS"
MUTATIONS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_STORED_BODY = 256 * 1024
KEPT = timedelta(hours=24)
LEASE = timedelta(seconds=60)
PRUNE_BATCH = 5_000
LATE_FREE_INTERVAL_SECONDS = 0.5  # how often a process tries again to free the keys a database failure kept
_SANE_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII: what clients send (UUIDs), and nothing a log fears
log = logging.getLogger("svckit.idempotency")


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
        Index(f"ix_{name}_created_at", "created_at"),  # pruning reads the oldest
    )


def prune_idempotency_keys(connection: Connection, table: Table, kept: timedelta = KEPT,
                           batch: int = PRUNE_BATCH) -> int:
    """Delete the keys older than ``kept``, in batches (short statements, whatever the backlog); returns how many."""
    cutoff = datetime.now(timezone.utc) - kept
    deleted = 0
    while True:
        oldest = select(table.c.scope, table.c.key).where(table.c.created_at < cutoff).limit(batch)
        count = connection.execute(delete(table).where(tuple_(table.c.scope, table.c.key).in_(oldest))).rowcount
        connection.commit()
        deleted += count
        if count < batch:
            return deleted


FINGERPRINT_KEY_LABEL = b"svckit idempotency fingerprint v1"


def fingerprint_key(secret: str | bytes, label: bytes = FINGERPRINT_KEY_LABEL) -> bytes:
    """A key of its own for the fingerprints, derived from a service's secret: HMAC-SHA256 of a label under the
    secret (one step of HKDF's expansion). The secret itself is never used, so the fingerprints tell nothing
    of it, and it keeps its own use."""
    return hmac.new(secret.encode() if isinstance(secret, str) else secret, label, hashlib.sha256).digest()


class IdempotencyKeys:
    """``fingerprint_secret``: when given, a request's fingerprint is an HMAC-SHA256 under it instead of a plain
    SHA-256. The fingerprint covers the body, and is kept 24 hours: for a body with a password in it (identity's
    sign-up and password reset), a plain hash let anyone with a dump of the table test guessed passwords at the
    speed of SHA-256, without argon2. Give a key derived for it (``fingerprint_key``), never a secret used for
    anything else. Changing it (setting one, or a new one) changes every fingerprint: a retry of a request
    sent before the change gets 422 ``IDEMPOTENCY_KEY_REUSED`` instead of its replay, for 24 hours at most."""

    def __init__(self, engine: Engine, table: Table, *, exempt_paths: Iterable[str] = (), ttl: timedelta = KEPT,
                 lease: timedelta = LEASE, fingerprint_secret: bytes | None = None,
                 one_transaction: bool = False) -> None:
        self.engine, self.table, self.ttl, self.lease = engine, table, ttl, lease
        self.one_transaction = one_transaction
        self.exempt_paths = tuple(exempt_paths)
        self.fingerprint_secret = fingerprint_secret
        t = table
        # The hot path's two statements, built once: a key claimed, and its answer stored while still held.
        self._claim_key = (insert(t).on_conflict_do_nothing(index_elements=["scope", "key"]).returning(t.c.key))
        self._store_answer = (
            update(t).where(t.c.scope == bindparam("b_scope"), t.c.key == bindparam("b_key"),
                            t.c.created_at == bindparam("b_taken_at"), t.c.status.is_(None))
            .values(status=bindparam("b_status"), content_type=bindparam("b_content_type"), body=bindparam("b_body")))
        self._unfreed: dict[tuple[str, str], datetime] = {}  # (scope, key) -> the holder's token
        self._unfreed_lock = threading.Lock()
        self._freer: threading.Thread | None = None

    def fingerprint(self, method: str, full_path: str, body: bytes) -> str:
        """What binds a key to its request: 64 hex digits of its method, path with query, and body."""
        message = b"\n".join([method.encode(), full_path.encode(), body])
        if self.fingerprint_secret is None:
            return hashlib.sha256(message).hexdigest()
        return hmac.new(self.fingerprint_secret, message, hashlib.sha256).hexdigest()

    def init_app(self, app: Flask) -> None:
        app.extensions["idempotency"] = self
        app.before_request(self._before)
        app.after_request(self._after)
        app.teardown_request(self._teardown)

    def _applies(self) -> bool:
        return (
            request.method in MUTATIONS
            and IDEMPOTENCY_KEY_HEADER in request.headers
            and not any(request.path.startswith(path) for path in self.exempt_paths)
        )

    def _before(self) -> Response | None:
        if not self._applies():
            return None
        key = request.headers[IDEMPOTENCY_KEY_HEADER].strip()
        if not _SANE_KEY.fullmatch(key):
            raise ApiError(400, "INVALID_IDEMPOTENCY_KEY",
                           f"The {IDEMPOTENCY_KEY_HEADER} header must have 1 to 200 visible ASCII characters.")
        scope = authenticate().user_id if bearer_token() else "anonymous"
        if (scope, key) in self._unfreed:
            self.free_unfreed()  # the retry of a request whose key the database kept, on the same process
        fingerprint = self.fingerprint(request.method, request.full_path, request.get_data(cache=True))
        now = datetime.now(timezone.utc)
        if self.one_transaction:
            return self._claim_in_request_transaction(scope, key, fingerprint, now)
        with self.engine.begin() as connection:
            if self._claim(connection, scope, key, fingerprint, now):
                g.idempotency = (scope, key, now)
                return None
            return self._existing(connection, scope, key, fingerprint, now)

    def _claim(self, connection: Connection, scope: str, key: str, fingerprint: str, now: datetime) -> bool:
        """The key's row inserted (an expired one replaced first); False when the key is known. An insert that
        meets a row another open transaction inserted waits for that transaction to end."""
        t = self.table
        mine = (t.c.scope == scope, t.c.key == key)
        row = {"scope": scope, "key": key, "fingerprint": fingerprint, "created_at": now}
        if connection.execute(self._claim_key, row).first() is not None:
            return True  # a new key: one statement (issue 18: the expired one is looked for only when there is one)
        if connection.execute(delete(t).where(*mine, t.c.created_at < now - self.ttl)).rowcount == 0:
            return False
        return connection.execute(self._claim_key, row).first() is not None

    def _existing(self, connection: Connection, scope: str, key: str, fingerprint: str,
                  now: datetime) -> Response | None:
        """A key already known: its stored answer replayed, 422 for another request, 409 while its first request
        runs (two transactions per request, or a process of that kind during a rollout), taken over past its lease."""
        t = self.table
        mine = (t.c.scope == scope, t.c.key == key)
        row = connection.execute(select(t).where(*mine)).one()
        if row.fingerprint != fingerprint:
            raise ApiError(422, "IDEMPOTENCY_KEY_REUSED", f"This {IDEMPOTENCY_KEY_HEADER} was used for another request.")
        if row.status is None:
            # Still running, or left behind by a request that could not free it: past its lease, it is
            # taken over (one taker wins: the update is conditional) and the request runs.
            taken = connection.execute(
                update(t).where(*mine, t.c.status.is_(None), t.c.created_at < now - self.lease)
                .values(created_at=now).returning(t.c.key)).first()
            if taken is not None:
                log.warning("idempotency key taken over after its lease", extra={"scope": scope})
                if self.one_transaction:
                    self._hold(connection, scope, key, now)
                else:
                    g.idempotency = (scope, key, now)
                return None
            wait = math.ceil((row.created_at + self.lease - now).total_seconds())
            raise ApiError(409, REQUEST_IN_PROGRESS, f"A request with this {IDEMPOTENCY_KEY_HEADER} is still running.",
                           headers={"Retry-After": str(max(1, wait))})
        replay = Response(row.body, status=row.status, content_type=row.content_type)
        replay.headers[REPLAYED_HEADER] = "true"
        return replay

    # -- one transaction per keyed request: the key, the effect and the answer commit together ---------------

    def _claim_in_request_transaction(self, scope: str, key: str, fingerprint: str,
                                      now: datetime) -> Response | None:
        connection = self.engine.connect()
        try:
            connection.begin()
            if self._claim(connection, scope, key, fingerprint, now):
                self._hold(connection, scope, key, now)
                return None
            replay = self._existing(connection, scope, key, fingerprint, now)
            if replay is None:  # taken over past its lease: held by _hold, in this transaction
                return None
            connection.commit()
        except BaseException:
            g.pop("idempotency_tx", None)
            joined_connection.set(None)
            connection.close()
            raise
        connection.close()
        return replay

    def _hold(self, connection: Connection, scope: str, key: str, now: datetime) -> None:
        """The request runs in this transaction: its units of work join it (``svckit.uow.joined_connection``)."""
        g.idempotency_tx = (connection, (scope, key, now), joined_connection.set(connection),
                            deferred_announcements.set([]))

    def _after_in_request_transaction(self, response: Response) -> Response:
        connection, pending, joined, deferred = g.pop("idempotency_tx")
        t = self.table
        scope, key, taken_at = pending
        try:
            body = None if response.is_streamed else response.get_data()
            storable = body is not None and len(body) <= MAX_STORED_BODY
            if response.status_code >= 500:
                connection.rollback()  # nothing happened: the retry runs again
            elif connection.in_transaction():
                if storable:
                    connection.execute(self._store_answer, {
                        "b_scope": scope, "b_key": key, "b_taken_at": taken_at, "b_status": response.status_code,
                        "b_content_type": response.content_type, "b_body": body})
                else:
                    connection.execute(delete(t).where(*self._held(pending)))
                connection.commit()
            elif storable:
                # A unit of work rolled the request's transaction back (a refusal: 4xx): its answer is kept as
                # any other, in a transaction of its own.
                connection.execute(
                    insert(t).values(scope=scope, key=key, fingerprint=self.fingerprint(
                        request.method, request.full_path, request.get_data(cache=True)), created_at=taken_at,
                        status=response.status_code, content_type=response.content_type, body=body)
                    .on_conflict_do_nothing(index_elements=["scope", "key"]))
                connection.commit()
        finally:
            connection.close()
            joined_connection.reset(joined)
            announcements = deferred_announcements.get() or []
            deferred_announcements.reset(deferred)
        for notices, channel in announcements if response.status_code < 500 else ():
            notices.publish(channel)
        return response

    def _after(self, response: Response) -> Response:
        if g.get("idempotency_tx") is not None:
            return self._after_in_request_transaction(response)
        pending = g.get("idempotency")
        if pending is None:
            return response
        t = self.table
        where = self._held(pending)
        try:
            with self.engine.begin() as connection:
                body = None if response.is_streamed else response.get_data()
                if response.status_code >= 500 or body is None or len(body) > MAX_STORED_BODY:
                    connection.execute(delete(t).where(*where))
                else:
                    connection.execute(update(t).where(*where).values(
                        status=response.status_code, content_type=response.content_type, body=body))
        except SQLAlchemyError:
            self._keep_unfreed(pending)  # the answer is lost (503): the retry runs again, once the key is free
            raise
        finally:
            # Stored, freed, or (the database failing) left to its lease: either way not this request's any more,
            # so that neither the error handler's second pass nor the teardown tries again.
            g.pop("idempotency", None)
        return response

    def _held(self, pending: tuple[str, str, datetime]) -> tuple:
        """The key's row as long as this request holds it: not answered yet, and not taken over (a taker writes
        its own ``created_at``, which is the holder's token). Once its lease ran out and another request took the
        key, a late answer neither frees nor fills the row: it is the taker's."""
        scope, key, taken_at = pending
        t = self.table
        return t.c.scope == scope, t.c.key == key, t.c.created_at == taken_at, t.c.status.is_(None)

    def _teardown(self, _error: BaseException | None) -> None:
        held = g.pop("idempotency_tx", None)
        if held is not None:  # died before an answer: nothing of it is committed
            connection, _pending, joined, deferred = held
            try:
                connection.close()
            finally:
                joined_connection.reset(joined)
                deferred_announcements.reset(deferred)
            return
        pending = g.pop("idempotency", None)
        if pending is None:
            return
        try:  # the request died before an answer: free the key if the database lets us
            with self.engine.begin() as connection:
                connection.execute(delete(self.table).where(*self._held(pending)))
        except SQLAlchemyError:
            log.warning("an idempotency key could not be freed yet", exc_info=True)
            self._keep_unfreed(pending)

    # -- keys a database failure kept: freed as soon as the database answers ---------------------------------

    def _keep_unfreed(self, pending: tuple[str, str, datetime]) -> None:
        scope, key, taken_at = pending
        with self._unfreed_lock:
            self._unfreed[(scope, key)] = taken_at
            if self._freer is None:  # started in the worker that needs it, ended when nothing is left
                self._freer = threading.Thread(target=self._free_until_done, name="idempotency-freer", daemon=True)
                self._freer.start()

    def _free_until_done(self) -> None:
        while True:
            time.sleep(LATE_FREE_INTERVAL_SECONDS)
            self.free_unfreed()
            with self._unfreed_lock:
                if not self._unfreed:
                    self._freer = None
                    return

    def free_unfreed(self) -> None:
        """Free the keys this process could not free, if the database answers; those past their lease are
        left to it (another request may hold them by now: the holder's token keeps them safe either way)."""
        with self._unfreed_lock:
            kept = list(self._unfreed.items())
        now = datetime.now(timezone.utc)
        for (scope, key), taken_at in kept:
            if taken_at + self.lease > now:
                try:
                    with self.engine.begin() as connection:
                        connection.execute(delete(self.table).where(*self._held((scope, key, taken_at))))
                except SQLAlchemyError:
                    return  # still down: the next round
            with self._unfreed_lock:
                if self._unfreed.get((scope, key)) == taken_at:
                    del self._unfreed[(scope, key)]

    def forget_unfreed(self) -> None:
        """Tests: as a process that died with the keys it could not free."""
        with self._unfreed_lock:
            self._unfreed.clear()
