"""A campaign's CSV export, streamed from the database: a server-side cursor feeds the CSV lines in chunks,
so neither reporting nor the gateway ever holds the campaign, and the first bytes leave at once.

The cursor lives in a transaction that stays open, idle, while the reader is not reading (a slow network,
a paused download): the api's idle bound (30 s, svckit.db) would end it mid-file, so the export's
transaction sets its own (``SET LOCAL``, which PgBouncer's transaction mode lets through). Each fetch
keeps the api's statement bound."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from psycopg.rows import namedtuple_row
from psycopg.types.json import set_json_loads
from sqlalchemy import Connection, Engine, Select, select

from reporting.domain import export
from reporting.views import content
from reporting.views.access import readable_campaign
from reporting.views.participants import in_name_order, participant_rows
from svckit.db import set_local_timeouts

FETCH_ROWS = 1000  # rows per fetch from the server-side cursor
CHUNK_CHARACTERS = 64 * 1024  # characters per chunk sent (64 kB of UTF-8 or a little more)
# How long the export's transaction may wait for its reader between two fetches: a reader gone for that
# long is gone (its answer ends, and the transaction with it, when the next write to it fails).
READER_PAUSE_MS = 10 * 60 * 1000


def _layout(connection: Any, campaign: Any, locale: str) -> export.ExportLayout:
    known = content.competences(connection, locale)
    if campaign.type == export.ASSESSMENT:
        codes = [row.code for row in connection.execute(
            content.campaign_competences(campaign.id).order_by("code")).all()]
    else:  # a profiles collection shows the whole profile: every competence
        codes = list(known)
    competences = [content.competence(known, code) for code in codes]
    areas = {c.area_code: c.area_name for c in competences}
    profile_name = content.name_in(campaign.target_profile_name, locale) or campaign.target_profile_id
    return export.ExportLayout(
        organization_name=campaign.organization_name or "", organization_type=campaign.organization_type or "PRO",
        organization_manages_students=bool(campaign.manages_students), campaign_id=campaign.id,
        campaign_code=campaign.code, campaign_name=campaign.name, campaign_type=campaign.type,
        target_profile_name=profile_name, external_id_label=campaign.external_id_label,
        competences=[export.Competence(c.code, c.name, c.area_code) for c in competences],
        areas=[export.Area(code, title) for code, title in sorted(areas.items())], locale=locale)


def _columns(rows: Any, campaign_type: str) -> tuple[Any, ...]:
    """What a line needs, and of the shared snapshot only the part its type shows (less JSON to decode)."""
    part = "competences" if campaign_type == export.ASSESSMENT else "profile"
    return (rows.c.last_name, rows.c.first_name, rows.c.division, rows.c.group, rows.c.student_number,
            rows.c.participant_external_id, rows.c.progress_rate, rows.c.started_at, rows.c.shared_at,
            rows.c.mastery_rate, rows.c.results[part].label("shown"))


def _streamed(connection: Connection, query: Select) -> Iterator[Any]:
    """The query's rows from a server-side cursor of psycopg itself, ``FETCH_ROWS`` at a time: most of an export's
    reading is decoding the shared snapshots' JSON, which this cursor leaves to orjson (several times faster than
    the standard library, the same values); and SQLAlchemy's streamed result added its own cost per row."""
    compiled = query.compile(dialect=connection.dialect)
    cursor = connection.connection.driver_connection.cursor(name="campaign_export", row_factory=namedtuple_row)
    set_json_loads(orjson.loads, cursor)
    cursor.itersize = FETCH_ROWS
    with cursor:
        cursor.execute(str(compiled), compiled.params)
        yield from cursor


def _participation(row: Any) -> dict[str, Any]:
    return {"last_name": row.last_name or "", "first_name": row.first_name or "", "division": row.division,
            "group_name": row.group, "student_number": row.student_number,
            "participant_external_id": row.participant_external_id, "progress_rate": row.progress_rate,
            "started_at": row.started_at, "shared_at": row.shared_at, "mastery_rate": row.mastery_rate,
            "competences": row.shown if isinstance(row.shown, list) else [],
            "profile": row.shown if isinstance(row.shown, dict) else None}


def campaign_export(engine: Engine, campaign_id: UUID, user_id: UUID, locale: str,
                    now: datetime) -> tuple[str, Iterator[bytes]]:
    """The file's name and its bytes. Who may read and what the columns are is settled before the first
    byte, so that a refusal is an ordinary error answer; the rows are read while the answer is sent."""
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        layout = _layout(connection, campaign, locale)

    def participations() -> Iterator[dict[str, Any]]:
        rows = participant_rows(campaign_id).subquery("participant")
        query = select(*_columns(rows, layout.campaign_type)).order_by(*in_name_order(rows))
        with engine.connect() as connection:
            set_local_timeouts(connection, idle_in_transaction_ms=READER_PAUSE_MS)
            yield from map(_participation, _streamed(connection, query))

    def chunks() -> Iterator[bytes]:
        lines = export.lines(layout, participations())
        yield next(lines).encode("utf-8")  # the BOM and the header, before the query runs
        buffer, size = [], 0
        for line in lines:  # encoded a chunk at a time
            buffer.append(line)
            size += len(line)
            if size >= CHUNK_CHARACTERS:
                yield "".join(buffer).encode("utf-8")
                buffer, size = [], 0
        if buffer:
            yield "".join(buffer).encode("utf-8")

    return export.file_name(campaign.name, campaign.id, now), chunks()

