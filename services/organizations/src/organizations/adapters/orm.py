from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Uuid, func

from msgkit import inbox_table, outbox_table
from svckit.idempotency import idempotency_table

metadata = MetaData()

# Replica of identity's accounts, fed by identity.user.* events; never written otherwise.
known_users = Table(
    "known_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, index=True),
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)
