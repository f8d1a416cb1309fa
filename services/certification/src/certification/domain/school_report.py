"""What the school report's applications read: a school's certification results, by its UAI (LSU, LSL).

The applications of the livret scolaire (LSU for collèges, LSL for lycées) call as OAuth 2 clients of identity,
never as people, with the scope ``certification-results``; one scope for both, as the reference has (its
``organizations-certifications-result``): both read the same thing, a school's results by its UAI, and a
school's kind (collège or lycée) is set by hand on its centre and may still be unset, which would hide a school's
results from both.

**A client reads only the schools of its academy.** Its token says which: ``uai_prefixes``, set by a platform
admin when the client was registered (a UAI opens with its department's number, and an academy is a set of
departments; a longer prefix, up to a whole UAI, names some schools). So certification keeps no table of
academies, and a school moved to another academy is a matter of the clients' prefixes at identity. A UAI that
no prefix opens and a UAI of no school here get the same 404, so a client learns nothing of the schools of
another academy, not even that they exist.

**What is read**, the reference's rules (certification-livret-scolaire-repository.js) on this platform's data:
the pupils in the school's list who have not left it (a pupil who left is no longer the school's to report,
as for the classes' CSV and attestations), each with their **latest** published certification of the school's
own sessions that was not cancelled (a cancelled one is to sit again: it says nothing of the pupil); a
validated one with its score, global level and the 16 competences' levels, a rejected one with the score 0
and no level. Results are published ones only: the reference's ``pending`` (not published yet) is left out,
since an unpublished result may still change and the school report keeps what it reads. A school without any
gives an empty list (200): a school with no pupil certified yet is an answer, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from certification.domain.attestations import AREAS, COMPETENCE_NAMES, VALIDATED

SCOPE = "certification-results"
UAI = re.compile(r"[0-9]{7}[A-Z]")


def normalized_uai(uai: str) -> str:
    return uai.strip().upper()


def opens(uai_prefixes: Iterable[Any], uai: str) -> bool:
    """Whether the client's academy has this school; a token without prefixes opens none."""
    return any(isinstance(prefix, str) and prefix and uai.startswith(prefix.upper()) for prefix in uai_prefixes)


def competences() -> list[dict[str, Any]]:
    """The framework's 16 competences by id, with their area: the referential the reference sends beside."""
    return [{"id": code, "name": COMPETENCE_NAMES[code], "area": {"id": area, "name": area_name}}
            for area, area_name, codes in AREAS for code in codes]


def certificate(result: Mapping[str, Any]) -> dict[str, Any]:
    """A pupil's line: the reference's fields (nationalStudentId, pixScore, competenceResults...) in our case."""
    validated = result["status"] == VALIDATED
    levels = result["competence_levels"] if validated else {}
    return {"id": result["course_id"], "national_student_id": result["national_student_id"],
            "first_name": result["first_name"], "last_name": result["last_name"], "birthdate": result["birthdate"],
            "division": result["division"], "status": result["status"],
            "pix_score": result["score"] if validated else 0,
            "global_level": result["mesh_level"] if validated and result["mesh_level"] else None,
            "verification_code": result["verification_code"], "date": result["certification_date"],
            "delivered_at": result["published_at"], "certification_center": result["center_name"],
            "competence_results": [{"competence_id": code, "level": levels.get(code, 0)} for code in COMPETENCE_NAMES]
            if validated else []}
