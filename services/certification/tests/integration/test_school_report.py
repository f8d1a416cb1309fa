"""The school report's API (LSU/LSL) on the real database and app: an application of the academy of Lyon, as an
OAuth 2 client, reads a school's results by UAI; without the scope, for another academy's school, with a
person's token: refused, nothing leaked."""

import uuid

import pytest
from certification_it import SatPupil, deliver, person, school, sit_and_publish

from certification.domain.results import COMPETENCES
from svckit.testing import assert_error, client_token_for

PASSED = ["ok"] * 28 + ["ko"] * 4
ABANDONED = ["ko"] * 12  # fewer than 20 answers: rejected
URL = "/api/livret-scolaire/certification-results"
SCOPE = "certification-results"


def lyon_client(scope: str = SCOPE, prefixes=("001", "042", "069")) -> dict:
    token = client_token_for("ac-lyon-3f2a9c1d0b7e", scope, academy="ac-lyon", uai_prefixes=list(prefixes))
    return {"Authorization": f"Bearer {token}"}


def a_uai(department: str) -> str:
    """A UAI of the department no other test uses (the database lives for the test session)."""
    return f"{department}{uuid.uuid4().int % 10_000:04d}{'ABCDEFGHJK'[uuid.uuid4().int % 10]}"


def a_college(runtime, client, platform_admin, department: str = "069"):
    head, uai = person("principal"), a_uai(department)
    center_id = school(runtime, head, uai=uai)
    assert client.patch(f"/api/admin/certification-centers/{center_id}", headers=platform_admin.auth,
                        json={"school_kind": "COLLEGE"}).status_code == 200
    return center_id, head, uai


@pytest.fixture
def lyon_school(runtime, client, college, platform_admin):
    """A collège of the Rhône (069): Zoé passed, Max abandoned (rejected), Tom passed then left the school."""
    center_id, head, uai = a_college(runtime, client, platform_admin)
    pupils = [SatPupil(person("zoe"), "Zoé", "Lefèvre", "2011-04-02", "3A", PASSED, ine="123456789AB"),
              SatPupil(person("max"), "Max", "Durand", "2011-02-03", "3B", ABANDONED, ine="223456789AB"),
              SatPupil(person("tom"), "Tom", "Autre", "2011-03-04", "3A", PASSED, ine="323456789AB")]
    sit_and_publish(runtime, client, head, center_id, platform_admin, pupils)
    tom = pupils[2]
    deliver(runtime, "organizations.learners.imported.v1", center_id, 4, organization_id=center_id, learners=[{
        "learner_id": tom.learner_id, "change": "DISABLED", "version": 2, "first_name": "Tom", "last_name": "Autre",
        "preferred_last_name": None, "birthdate": "2011-03-04", "national_student_id": tom.ine,
        "student_number": None, "division": "3A", "group": None, "user_id": tom.who.id, "disabled": True}])
    return uai, {p.first_name: p for p in pupils}


def test_an_application_of_the_academy_reads_each_pupil_s_latest_result_by_uai(client, lyon_school):
    uai, pupils = lyon_school
    answer = client.get(f"{URL}?uai={uai.lower()}", headers=lyon_client())

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["uai"] == uai and body["school_kind"] == "COLLEGE"
    # by last name; Tom left the school: no longer the school's to report
    max_, zoe = body["certifications"]
    assert (zoe["first_name"], zoe["national_student_id"], zoe["status"]) == ("Zoé", "123456789AB", "validated")
    assert zoe["birthdate"] == "2011-04-02" and zoe["division"] == "3A"
    assert zoe["verification_code"] == pupils["Zoé"].course["verification_code"]
    assert 0 < zoe["pix_score"] <= 895 and zoe["global_level"] >= 1 and zoe["date"] and zoe["delivered_at"]
    assert [item["competence_id"] for item in zoe["competence_results"]] == sorted(COMPETENCES)
    assert all(0 <= item["level"] <= 7 for item in zoe["competence_results"])
    assert (max_["national_student_id"], max_["status"], max_["pix_score"]) == ("223456789AB", "rejected", 0)
    assert max_["competence_results"] == [] and max_["global_level"] is None
    assert [c["id"] for c in body["competences"]] == sorted(COMPETENCES)
    assert body["competences"][0]["area"] == {"id": "1", "name": "Information et données"}


def test_a_client_without_the_scope_is_refused(client, lyon_school):
    uai, _ = lyon_school
    answer = client.get(f"{URL}?uai={uai}", headers=lyon_client(scope="something-else"))

    assert_error(answer, 403, "INSUFFICIENT_SCOPE")
    assert "Zoé" not in answer.get_data(as_text=True)


def test_a_school_of_another_academy_is_the_same_404_as_no_school_at_all(runtime, client, college, platform_admin):
    _center, _head, paris_uai = a_college(runtime, client, platform_admin, department="075")

    other_academy = client.get(f"{URL}?uai={paris_uai}", headers=lyon_client())
    unknown = client.get(f"{URL}?uai={a_uai('069')}", headers=lyon_client())

    assert_error(other_academy, 404, "SCHOOL_NOT_FOUND")
    assert_error(unknown, 404, "SCHOOL_NOT_FOUND")
    assert other_academy.get_json()["error"]["message"] == unknown.get_json()["error"]["message"]
    assert "Victor Hugo" not in other_academy.get_data(as_text=True)
    # a client narrowed to one school of the academy reads that one only
    assert client.get(f"{URL}?uai={paris_uai}", headers=lyon_client(prefixes=[paris_uai])).status_code == 200
    assert_error(client.get(f"{URL}?uai={paris_uai}", headers=lyon_client(prefixes=[])), 404, "SCHOOL_NOT_FOUND")


def test_a_person_s_token_is_refused_even_the_school_s_head_or_a_platform_admin(client, platform_admin, lyon_school):
    uai, _ = lyon_school
    for who in (platform_admin, person("principal")):
        assert_error(client.get(f"{URL}?uai={uai}", headers=who.auth), 403, "CLIENT_TOKEN_REQUIRED")
    assert_error(client.get(f"{URL}?uai={uai}"), 401, "MISSING_TOKEN")


def test_a_client_s_token_opens_no_route_of_a_person(client, college):
    assert_error(client.get("/api/certificates", headers=lyon_client()), 401, "INVALID_TOKEN")
    assert_error(client.get(f"/api/certification-centers/{college.id}/result-divisions", headers=lyon_client()),
                 401, "INVALID_TOKEN")


def test_a_school_with_no_published_result_is_an_empty_list(runtime, client, college, platform_admin):
    _center, _head, uai = a_college(runtime, client, platform_admin)
    answer = client.get(f"{URL}?uai={uai}", headers=lyon_client())

    assert answer.status_code == 200
    assert answer.get_json()["certifications"] == [] and len(answer.get_json()["competences"]) == 16


@pytest.mark.parametrize("uai", ["069123A", "06912345", "", "0691234AB"])
def test_a_malformed_uai_is_a_validation_error(client, uai):
    assert_error(client.get(f"{URL}?uai={uai}", headers=lyon_client()), 400, "VALIDATION_ERROR")


def test_a_pupil_who_sat_again_is_reported_by_the_latest_result_and_a_cancelled_one_is_left_out(
        runtime, client, college, platform_admin):
    """Max was rejected, then passed in a later session: the later result. Zoé passed, then her later test was
    cancelled (a technical problem before 20 answers: to sit again, it says nothing of her): the one she passed."""
    center_id, head, uai = a_college(runtime, client, platform_admin)
    zoe = SatPupil(person("zoe"), "Zoé", "Lefèvre", "2011-04-02", "3A", PASSED, ine="423456789AB")
    max_ = SatPupil(person("max"), "Max", "Durand", "2011-02-03", "3A", ABANDONED, ine="523456789AB")
    sit_and_publish(runtime, client, head, center_id, platform_admin, [zoe, max_])
    first = {"Zoé": zoe.course["verification_code"], "Max": max_.course["verification_code"]}
    zoe.statuses, zoe.abort_reason, max_.statuses = ["ok"] * 12, "technical", PASSED
    sit_and_publish(runtime, client, head, center_id, platform_admin, [zoe, max_], date="2026-12-15")

    body = client.get(f"{URL}?uai={uai}", headers=lyon_client()).get_json()
    reported = {item["first_name"]: item for item in body["certifications"]}
    assert sorted(item["first_name"] for item in body["certifications"]) == ["Max", "Zoé"]  # one line per pupil
    assert (reported["Max"]["status"], reported["Max"]["verification_code"]) == (
        "validated", max_.course["verification_code"])
    assert reported["Max"]["verification_code"] != first["Max"]
    assert (reported["Zoé"]["status"], reported["Zoé"]["verification_code"]) == ("validated", first["Zoé"])
