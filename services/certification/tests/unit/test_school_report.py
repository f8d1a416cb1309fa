"""The school report's rules (domain/school_report.py): which UAIs a client's academy opens, and a pupil's line."""

from datetime import date, datetime, timezone
from uuid import uuid4

import pytest

from certification.domain.results import COMPETENCES
from certification.domain.school_report import certificate, competences, opens


@pytest.mark.parametrize("prefixes, uai, expected", [
    (["001", "042", "069"], "0691234A", True),
    (["001", "042", "069"], "0751234A", False),
    (["0691234A"], "0691234A", True),
    (["0691234A"], "0691235A", False),
    (["069"], "0069123A", False),  # a prefix opens from the first character only
    ([], "0691234A", False),  # no prefix: no school
    ([""], "0691234A", False),  # an empty prefix would open every school: none
    ([None, 69], "0691234A", False),  # a malformed claim opens nothing
])
def test_a_client_opens_the_uais_its_prefixes_start(prefixes, uai, expected):
    assert opens(prefixes, uai) is expected


def result(status: str, **changes) -> dict:
    return {"course_id": uuid4(), "national_student_id": "123456789AB", "first_name": "Zoé", "last_name": "Lefèvre",
            "birthdate": date(2011, 4, 2), "division": "3A", "status": status, "score": 412, "mesh_level": 3,
            "competence_levels": {"1.1": 3, "2.4": 5}, "verification_code": "P-2346789B",
            "certification_date": date(2026, 12, 1), "published_at": datetime(2026, 12, 3, tzinfo=timezone.utc),
            "center_name": "Collège Victor Hugo", **changes}


def test_a_validated_result_gives_its_score_global_level_and_all_16_competences():
    line = certificate(result("validated"))
    assert (line["pix_score"], line["global_level"], line["national_student_id"]) == (412, 3, "123456789AB")
    levels = {item["competence_id"]: item["level"] for item in line["competence_results"]}
    assert list(levels) == sorted(COMPETENCES) and levels["1.1"] == 3 and levels["1.2"] == 0


def test_a_rejected_result_gives_the_score_0_and_no_level():
    line = certificate(result("rejected"))
    assert (line["pix_score"], line["global_level"], line["competence_results"]) == (0, None, [])


def test_no_global_level_below_level_1():
    assert certificate(result("validated", mesh_level=0))["global_level"] is None


def test_the_referential_lists_the_16_competences_with_their_area():
    listed = competences()
    assert [c["id"] for c in listed] == sorted(COMPETENCES)
    assert listed[-1]["area"]["id"] == "5"
