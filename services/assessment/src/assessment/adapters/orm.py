from __future__ import annotations

from sqlalchemy import MetaData

from msgkit import inbox_table, outbox_table
from svckit.idempotency import idempotency_table

metadata = MetaData()

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)
