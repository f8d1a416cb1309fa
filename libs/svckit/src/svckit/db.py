"""Engines and the database readiness check."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError


def create_db_engine(url: str, *, pool_size: int = 5, application_name: str = "svc",
                     options: str | None = None) -> Engine:
    """``options``: server settings for every connection, e.g. ``-c jit=off``."""
    connect_args: dict[str, object] = {"connect_timeout": 5, "application_name": application_name}
    if options:
        connect_args["options"] = options
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # a connection killed by a database restart is replaced, not used
        pool_recycle=1800,
        pool_timeout=10,
        connect_args=connect_args,
    )


def database_ready(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
