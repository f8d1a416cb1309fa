"""A page of a query and its total, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select


def page_and_total(connection: Connection, query: Select, order: Sequence[Any],
                   args: dict[str, Any]) -> tuple[Sequence[Row], int]:
    """The page ``args`` asks for (``page``, ``page_size``) of ``query`` in ``order``, and how many rows the
    query has. The total is a window over the rows the sort reads anyway, so the query runs once; only a
    page past the end counts again."""
    rows = connection.execute(query.add_columns(func.count().over().label("total_rows")).order_by(*order)
                              .limit(args["page_size"]).offset((args["page"] - 1) * args["page_size"])).all()
    if rows:
        return rows, rows[0].total_rows
    if args["page"] == 1:
        return rows, 0
    return rows, connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
