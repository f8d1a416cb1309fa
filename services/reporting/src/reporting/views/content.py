"""The learning content as reports show it: names in the reader's language, a campaign's competences."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Select, any_, func, select

from reporting.adapters import orm

DEFAULT_LOCALE = "fr"


@dataclass(frozen=True)
class Competence:
    code: str
    name: str
    area_code: str
    area_name: str


def name_in(names: dict[str, str] | None, locale: str) -> str | None:
    """A name in the locale, in French when the content has none in it."""
    names = names or {}
    return names.get(locale) or names.get(DEFAULT_LOCALE)


def competences(connection: Connection, locale: str) -> dict[str, Competence]:
    """Every competence of the latest release, by code, in code order (16 rows: read whole)."""
    table, areas = orm.competences, orm.areas
    rows = connection.execute(
        select(table.c.code, table.c.name, table.c.area_code, areas.c.name.label("area_name"))
        .select_from(table.outerjoin(areas, areas.c.code == table.c.area_code)).order_by(table.c.code)).all()
    return {row.code: Competence(row.code, name_in(row.name, locale) or row.code, row.area_code,
                                 name_in(row.area_name, locale) or row.area_code) for row in rows}


def competence(known: dict[str, Competence], code: str, area_code: str | None = None) -> Competence:
    """A competence by code; one a later release removed keeps its code for a name."""
    if code in known:
        return known[code]
    area_code = area_code or code.split(".")[0]
    return Competence(code, code, area_code, area_code)


def campaign_competences(campaign_id: UUID) -> Select:
    """The competences a campaign tests (``code``) with how many of its target skills are in each
    (``target_skills_count``): its target skills, through the content's skills."""
    campaigns, skills = orm.campaigns, orm.skills
    return (select(skills.c.competence_code.label("code"), func.count().label("target_skills_count"))
            .select_from(campaigns.join(skills, skills.c.id == any_(campaigns.c.target_skill_ids)))
            .where(campaigns.c.id == campaign_id)
            .group_by(skills.c.competence_code))


def rate(value: Any, digits: int = 4) -> float | None:
    """A rate or an average as a float, rounded half up on its decimal value (as people round); none stays
    none."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))
