"""Engines and the database readiness check, with every wait on the database bounded.

A database that is down must cost a request a few seconds and a 503 (``svckit.errors``), never a
thread held for as long as the outage lasts. Each bound covers one way of waiting, and none covers
them all:

- ``connect_timeout`` (``DB_CONNECT_TIMEOUT_SECONDS``, 5): opening a connection, handshake and
  authentication included (a database that refuses, or accepts and never answers).
- ``pool_timeout`` (``DB_POOL_TIMEOUT_SECONDS``, 10): waiting for a free connection of the pool,
  when every one is busy (for instance each held by a slow statement).
- ``statement_timeout`` (``DB_STATEMENT_TIMEOUT_MS``, 10,000): PostgreSQL cancels a statement that
  runs longer, lock waits included; the connection stays usable. It cannot help when the server
  never receives the statement, or when it is the server that is frozen.
- ``idle_in_transaction_session_timeout`` (``DB_IDLE_IN_TRANSACTION_TIMEOUT_MS``, 30,000):
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

The two server settings travel as the connection's startup ``options``. Behind PgBouncer in
transaction mode (production, deploy/) startup options are ignored, so each database sets the same
defaults itself (deploy/base/<service>/database.yaml); the client's bounds apply everywhere. A
value of 0 turns a bound off (for a long one-off command on a direct connection).
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
