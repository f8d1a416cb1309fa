"""Engines and the database readiness check, with every wait on the database bounded.

A database that is down must cost a request a few seconds and a 503 (``svckit.errors``), never a
thread held for as long as the outage lasts. Each bound covers one way of waiting, and none covers
them all:

- ``connect_timeout`` (``DB_CONNECT_TIMEOUT_SECONDS``, 5): opening a connection, handshake and
  authentication included (a database that refuses, or accepts and never answers).
- ``pool_timeout`` (``DB_POOL_TIMEOUT_SECONDS``, 10): waiting for a free connection of the pool,
  when every one is busy (for instance each held by a slow statement).
- ``statement_timeout`` (``DB_STATEMENT_TIMEOUT_MS``, by process kind below): PostgreSQL cancels a
  statement that runs longer, lock waits included (``QueryCanceled``); the connection stays usable.
  It cannot help when the server never receives the statement, or when it is the server that is frozen.
- ``idle_in_transaction_session_timeout`` (``DB_IDLE_IN_TRANSACTION_TIMEOUT_MS``, by process kind):
  PostgreSQL ends a session that sits in an open transaction doing nothing (a process frozen or
  gone mid-transaction), so that its locks and its server connection come back.
- The answer deadline (``DB_ANSWER_TIMEOUT_SECONDS``, the statement timeout plus 5 s): the client
  stops waiting for any answer (a query, a commit, a fetch, the pool's ping) after that long, closes
  the connection and raises ``OperationalError``; the pool then drops that connection. This is the
  only bound on a *frozen* connection: one held open where nothing comes back (a stalled proxy, a
  frozen server, a network path that drops packets without a reset). It is later than
  ``statement_timeout`` so that a slow statement is cancelled cleanly by the server first.
- TCP keepalives (30 s idle, then 3 probes 10 s apart) find an idle pooled connection whose peer
  vanished; ``tcp_user_timeout`` (the answer deadline) closes a connection whose sent data stays
  unacknowledged. Both act in the kernel, so neither sees a peer that acknowledges and never
  answers (a proxy on the same machine, PgBouncer); the answer deadline does.

**The two server bounds depend on the kind of process** (``PROCESS_TIMEOUTS``; the process command
says its kind, ``svckit.cli``; a ``DB_*`` variable set in a process's environment overrides its kind's
figure):

============  =================  ==============================  ==============================================
kind          statement_timeout  idle_in_transaction (session)   why
============  =================  ==============================  ==============================================
api           10 s               30 s                            a request fails fast (503) rather than hold a
                                                                 thread; answers deadline 15 s
relay         10 s               30 s                            short statements; the transaction that waits
                                                                 for the broker's confirms sets its own idle
                                                                 bound, 4 times the confirm wait (msgkit.relay)
consumer      60 s               5 min                           a handler's transaction may wait on outside
                                                                 work (identity sends its mails in it: an SMTP
                                                                 dialogue of about ten exchanges of up to 10 s);
                                                                 a cut is a handler failure, retried (msgkit)
command       off                off                             one-off commands (``migrate``, ``projections
                                                                 rebuild``, ``outbox replay``...) must not be
                                                                 cut; ``idempotency prune`` keeps the api's
============  =================  ==============================  ==============================================

Where a transaction needs other bounds than its process's (reporting's CSV export streams for as
long as its reader takes; a projections rebuild is one long transaction), it sets them for itself
with ``set_local_timeouts`` (``SET LOCAL``, for that transaction only).

The two server settings travel as the connection's startup ``options``. Behind PgBouncer in
transaction mode (production's apis, deploy/) startup options are ignored, so each database sets the
api's figures itself (deploy/base/<service>/database.yaml): there, only ``SET LOCAL`` changes them,
which is why the export, the rebuild and the relay use it. The consumers, relays and commands of
deploy/ connect to the database directly, where their startup options apply. The client's bounds
apply everywhere. A value of 0 turns a bound off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("svckit.db")


@dataclass(frozen=True)
class DatabaseTimeouts:
    connect_seconds: float = 5.0
    pool_seconds: float = 10.0
    statement_ms: int = 10_000
    idle_in_transaction_ms: int = 30_000
    answer_seconds: float | None = None  # None: statement_ms + 5 s (or no deadline when statements have none)

    @property
    def answer_deadline(self) -> float | None:
        if self.answer_seconds is not None:
            return self.answer_seconds or None
        return self.statement_ms / 1000 + 5.0 if self.statement_ms else None

    def server_options(self) -> str:
        return (f"-c statement_timeout={int(self.statement_ms)} "
                f"-c idle_in_transaction_session_timeout={int(self.idle_in_transaction_ms)}")


API_TIMEOUTS = DatabaseTimeouts()

# The bounds each kind of process starts from (the module's docstring says why each).
PROCESS_TIMEOUTS: dict[str, DatabaseTimeouts] = {
    "api": API_TIMEOUTS,
    "relay": API_TIMEOUTS,
    "consumer": DatabaseTimeouts(statement_ms=60_000, idle_in_transaction_ms=300_000),
    "command": DatabaseTimeouts(statement_ms=0, idle_in_transaction_ms=0),
}


def set_local_timeouts(connection: Any, *, statement_ms: int | None = None,
                       idle_in_transaction_ms: int | None = None) -> None:
    """Bounds for the current transaction only (``SET LOCAL``; 0 turns one off, None leaves it as it is).

    ``connection``: a SQLAlchemy Connection or Session, inside the transaction to bound. The one way to
    change a bound behind PgBouncer in transaction mode, which ignores startup options. The client's answer
    deadline still applies to each statement (``DB_ANSWER_TIMEOUT_SECONDS``)."""
    settings = {"statement_timeout": statement_ms, "idle_in_transaction_session_timeout": idle_in_transaction_ms}
    chosen = {name: str(int(value)) for name, value in settings.items() if value is not None}
    if chosen:
        calls = ", ".join(f"set_config('{name}', :{name}, true)" for name in chosen)
        connection.execute(text(f"SELECT {calls}"), chosen)


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that waits at most ``answer_deadline`` seconds for any answer of the server,
    then closes itself (its protocol state is unknown) and raises ``OperationalError``."""

    answer_deadline: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None or not self.answer_deadline:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, self.answer_deadline)
        except psycopg.errors._WaitTimeout:  # noqa: SLF001 - psycopg's own timeout of wait(), pinned version
            log.warning("no answer from the database within %s s: connection closed", self.answer_deadline)
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"no answer from the database within {self.answer_deadline} s; the connection was closed") from None


def create_db_engine(url: str, *, pool_size: int = 5, application_name: str = "svc",
                     options: str | None = None, timeouts: DatabaseTimeouts | None = None) -> Engine:
    """``options``: more server settings for every connection, e.g. ``-c jit=off``."""
    timeouts = timeouts or DatabaseTimeouts()
    deadline = timeouts.answer_deadline
    connect_args: dict[str, object] = {
        "connect_timeout": max(1, round(timeouts.connect_seconds)),
        "application_name": application_name,
        "options": " ".join(filter(None, [timeouts.server_options(), options])),
        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    }
    if deadline:
        connect_args["tcp_user_timeout"] = int(deadline * 1000)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # a connection killed by a database restart is replaced, not used
        pool_recycle=1800,
        pool_timeout=timeouts.pool_seconds,
        connect_args=connect_args,
    )

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: tuple, cparams: dict) -> DeadlineConnection:
        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.answer_deadline = deadline
        return connection

    return engine


def database_ready(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
