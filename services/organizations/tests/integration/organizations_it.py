"""Helpers shared by organizations' integration tests (imported by name: no clash with other folders)."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from svckit.contracts import load_contract
from svckit.testing import Person, TestKeys, deliver_example, token_for  # noqa: F401 - shared by the tests through this module

FIXTURES = Path(__file__).parents[1] / "fixtures" / "learner_files"


def deliver(runtime, event_type: str, version: int = 1, **payload: Any) -> None:
    """Hand an event to the consumer handler that reads it, as the broker would."""
    aggregate_id = payload.get("user_id") or load_contract(event_type, Path(__file__).parent).example["aggregate_id"]
    deliver_example(runtime, event_type, aggregate_id=aggregate_id, aggregate_version=version,
                    contracts_from=Path(__file__).parent, **payload)


def make_organization(client, platform_admin, person, *, type: str = "SCO", manages_students: bool = True,
                      uai: str | None = None):
    """An organization whose first admin accepted the invitation; returns (organization id, admin)."""
    admin = person("directrice")
    if type == "SCO" and uai is None:
        uai = f"{uuid.uuid4().int % 10**7:07d}A"
    created = client.post("/api/admin/organizations", headers=platform_admin.auth, json={
        "name": f"Établissement {uuid.uuid4().hex[:6]}", "type": type, "external_id": uai,
        "manages_students": manages_students, "admin_email": admin.email})
    assert created.status_code == 201, created.get_json()
    organization_id = created.get_json()["id"]
    invitation, code = pending_invitation(client.application, organization_id, admin.email)
    accepted = client.post(f"/api/invitations/{invitation}/accept", headers=admin.auth, json={"code": code})
    assert accepted.status_code == 200, accepted.get_json()
    return organization_id, admin


def pending_invitation(app, organization_id: str, email: str) -> tuple[str, str]:
    """The invitation id and code, as the mail would give them."""
    engine = app.extensions["organizations"].engine
    with engine.connect() as connection:
        row = connection.execute(text("SELECT id, code FROM invitations WHERE organization_id = :o AND email = :e "
                                      "AND status = 'pending'"), {"o": organization_id, "e": email}).one()
    return str(row.id), row.code


FIXTURE_INES = ("123456789AB", "0702144523K", "0702157788F", "0701998877D", "0702001122E", "0702003344G",
                "0702005566H")


def school_ine(uai: str, ine: str) -> str:
    """The INE a pupil of the fixture export has in the copy made for this school.

    Each school's pupils are its own (the tests share one database, and a school importing an INE linked
    in another school's list gets its account: domain/school_changes.py)."""
    return uai[:7] + ine[-4:]


def siecle_export(uai: str, *, without: tuple[str, ...] = (), replace: tuple[str, str] | None = None,
                  pupils_of: str | None = None) -> bytes:
    """The real-shaped ISO-8859-15 export, for another school and edited as a test needs (``without`` and
    ``replace`` name the fixture's INEs). Its pupils are the school's own, or those of the school ``pupils_of``
    (the same INEs: pupils who moved from there)."""
    content = (FIXTURES / "ElevesSansAdresses.xml").read_bytes().decode("iso-8859-15")
    content = content.replace("<UAJ>0751234A</UAJ>", f"<UAJ>{uai}</UAJ>")
    for ine in without:
        content = re.sub(r"<ELEVE ELEVE_ID=(?:(?!</ELEVE>).)*?" + ine + r".*?</ELEVE>", "", content, flags=re.S)
    if replace:
        content = content.replace(*replace)
    for ine in FIXTURE_INES:
        content = content.replace(f"<ID_NATIONAL>{ine}</ID_NATIONAL>",
                                  f"<ID_NATIONAL>{school_ine(pupils_of or uai, ine)}</ID_NATIONAL>")
    return content.encode("iso-8859-15")


def upload(client, organization_id, person, name, body, mode="ADD_UPDATE"):
    return client.post(f"/api/organizations/{organization_id}/learners/imports", headers=person.auth,
                       data={"mode": mode, "file": (io.BytesIO(body), name)}, content_type="multipart/form-data")
