"""Alembic, run as a one-shot command (``<service> migrate``), never at process start.

Each service keeps its migrations in its package (``<service>/migrations``), so the
``migrate`` command works from any install, an image included.
"""

from __future__ import annotations

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool


def alembic_config(database_url: str, script_location: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, script_location: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url, script_location), revision)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``env.py``."""
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # A migration may rewrite a large table: no statement, lock or idle bound of the running services for it
    # (the production databases set the apis' bounds for everyone, svckit/db.py; the migrate Job connects to
    # the database directly, where these startup options apply).
    engine = create_engine(url, poolclass=pool.NullPool, connect_args={
        "options": "-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0"})
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


# -- steps several services' histories share ----------------------------------------------------------------

IDEMPOTENCY_KEYS_BY_AGE = "ix_idempotency_keys_created_at"


def create_idempotency_keys_by_age_index() -> None:
    """The index pruning reads the oldest idempotency keys by (``svckit.idempotency``), built concurrently: the
    table may be large (keys were never deleted before it), and mutations write to it."""
    from alembic import op

    with op.get_context().autocommit_block():
        op.create_index(IDEMPOTENCY_KEYS_BY_AGE, "idempotency_keys", ["created_at"], unique=False,
                        postgresql_concurrently=True)


def drop_idempotency_keys_by_age_index() -> None:
    from alembic import op

    with op.get_context().autocommit_block():
        op.drop_index(IDEMPOTENCY_KEYS_BY_AGE, table_name="idempotency_keys", postgresql_concurrently=True)


def create_outbox_wake_up() -> None:
    """The trigger that wakes the relay when outbox rows are committed (``msgkit.storage.outbox_wake_up_ddl``)."""
    from alembic import op

    from msgkit.storage import outbox_wake_up_ddl

    for statement in outbox_wake_up_ddl():
        op.execute(statement)


def drop_outbox_wake_up() -> None:
    from alembic import op

    from msgkit.storage import drop_outbox_wake_up_ddl

    for statement in drop_outbox_wake_up_ddl():
        op.execute(statement)


def schema_drift(database_url: str, target_metadata: MetaData) -> list:
    """What the database's schema (after the migrations) lacks or has beyond the models: alembic's autogenerate
    comparison, empty when the migrations make exactly the tables, columns, types, indexes and constraints the
    models describe. Each service's integration tests call it on their migrated database."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context_ = MigrationContext.configure(connection, opts={"compare_type": True})
            return [diff for diff in compare_metadata(context_, target_metadata)
                    if not (diff[0] == "remove_table" and diff[1].name == "alembic_version")]
    finally:
        engine.dispose()


# -- the tables every service has: its outbox and inbox (msgkit) and its idempotency keys (svckit.idempotency) ----
# Frozen as they were first created, as a migration must be: when msgkit or svckit change one of these tables, each
# service gets a new migration of its own (and the schema test, schema_drift, fails until it has one).

def create_messaging_tables_v1() -> None:
    """Every service's first migration starts with these."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"))
    op.create_table(
        "inbox",
        sa.Column("handler", sa.String(length=200), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("handler", "message_id", name="pk_inbox"))
    op.create_index("ix_inbox_received_at", "inbox", ["received_at"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("aggregate_id", sa.String(length=200), nullable=False),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"))
    op.create_index("ix_outbox_pending", "outbox", ["id"], unique=False,
                    postgresql_where=sa.text("published_at IS NULL"))
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], unique=False)


def drop_messaging_tables_v1() -> None:
    from alembic import op

    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("idempotency_keys")
