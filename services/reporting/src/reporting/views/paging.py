"""A page of a query and its total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from svckit.pagination import offset


def page_and_total(connection: Connection, query: Select, order: Sequence[Any],
                   args: dict[str, Any]) -> tuple[Sequence[Row], int]:
    """The page ``args`` asks for (``page``, ``page_size``) of ``query`` in ``order``, and how many rows the
    query has. Two statements, not a count window over the page's query: a window reads every row before
    the limit, where the page alone can stop after its rows in an index's order."""
    rows = connection.execute(query.order_by(*order).limit(args["page_size"])
                              .offset(offset(args))).all()
    if args["page"] == 1 and len(rows) < args["page_size"]:
        return rows, len(rows)
    return rows, connection.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
