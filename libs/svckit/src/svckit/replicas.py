"""The version-guarded upsert every replica fed by events needs.

Events of one aggregate may arrive out of order (several relays, retries, a replay): each
replica row keeps the ``aggregate_version`` of the event that last wrote it, and an event
older than the row changes nothing. An equal version is a duplicate and changes nothing
either. PostgreSQL only (``INSERT ... ON CONFLICT DO UPDATE ... WHERE``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session


def upsert_if_newer(session: Session, table: Table, key: str, row: dict[str, Any], version_column: str = "version") -> None:
    """Insert ``row``, or update the row with the same ``key`` if ``row`` carries a newer version."""
    statement = pg_insert(table).values(**row)
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c[key]], set_={name: statement.excluded[name] for name in row if name != key},
        where=table.c[version_column] < statement.excluded[version_column]))
