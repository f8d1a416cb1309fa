"""Pages as the design has them: ``page`` and ``page_size`` in, the items and the total out."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

MAX_PAGE_SIZE = 100
# Far beyond any list of the platform, and small enough that (page - 1) * page_size fits PostgreSQL's bigint
# OFFSET: 10^18 came back as a 500 from the database.
MAX_PAGE = 1_000_000


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A named response schema ``{items, total, page, page_size}`` for OpenAPI."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "page_size": fields.Integer(),
    }, name=name)


def page_of(items: list[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}


def offset(args: dict[str, Any]) -> int:
    return (args["page"] - 1) * args["page_size"]
