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
