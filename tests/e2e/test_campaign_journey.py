"""A campaign from end to end, through the gateway with every real process: a university's admin
creates an assessment campaign, a student joins with the code, takes the test, and sends the results; the teacher
follows them in reporting (participants, individual and collective results, the CSV export, the learners)."""

from __future__ import annotations

import uuid

import requests
from journeys import answer_knowing_up_to, bearer, organization_with_admin, platform_admin, sign_up

from msgkit.testing import wait_until


def test_a_teacher_runs_a_campaign_and_a_student_sends_results(stack):
    organization_id, teacher = organization_with_admin(stack, platform_admin(stack), name="Université de Lille",
                                                       type="SUP")

    def profiles():  # the membership, the Orga terms and the content release reach campaigns by the broker
        response = requests.get(f"{stack.gateway}/api/target-profiles", params={"organization_id": organization_id},
                                headers=teacher, timeout=10)
        return response.json()["items"] if response.status_code == 200 and response.json()["items"] else None

    available = wait_until(profiles, timeout=30, message="target profiles for the teacher")
    assert {"initial-diagnosis", "competence-4.1"} <= {p["id"] for p in available}

    campaign = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/campaigns", headers=teacher,
                             timeout=10, json={"type": "ASSESSMENT", "name": "Sécurité L1", "title": "Sécurité",
                                               "target_profile_id": "competence-4.1",
                                               "landing_text": "Bienvenue en **L1** !",
                                               "external_id_label": "Numéro étudiant", "external_id_type": "TEXT"})
    assert campaign.status_code == 201, campaign.text
    campaign = campaign.json()

    landing = requests.get(f"{stack.gateway}/api/campaigns/by-code/{campaign['code']}", timeout=10).json()
    assert landing["organization_name"] == "Université de Lille" and "<strong>L1</strong>" in landing["landing_html"]

    student_email = f"etudiant.{uuid.uuid4().hex[:8]}@example.org"
    student = bearer(sign_up(stack, "Sacha", "Étudiant", student_email))
    joined = requests.post(f"{stack.gateway}/api/campaign-participations", headers=student, timeout=10,
                           json={"campaign_code": campaign["code"], "participant_external_id": "L1-2026-042"})
    assert joined.status_code == 201, joined.text
    participation_id = joined.json()["id"]

    def assessment():
        response = requests.get(f"{stack.gateway}/api/campaign-participations/{participation_id}/assessment",
                                headers=student, timeout=10)
        return response.json() if response.status_code == 200 else None

    assessment_id = wait_until(assessment, timeout=30, message="the assessment of the participation")["id"]
    answered = 0
    while (challenge := requests.get(f"{stack.gateway}/api/assessments/{assessment_id}/next-challenge",
                                     headers=student, timeout=10).json()["challenge"]) is not None:
        response = requests.post(f"{stack.gateway}/api/assessments/{assessment_id}/answers", headers=student,
                                 timeout=10, json=answer_knowing_up_to(2, challenge["id"]))
        assert response.status_code == 201, response.text
        answered += 1
        assert answered < 40

    def to_share():
        items = requests.get(f"{stack.gateway}/api/users/me/campaign-participations", headers=student,
                             timeout=10).json()["items"]
        return items[0] if items and items[0]["status"] == "TO_SHARE" else None

    waiting = wait_until(to_share, timeout=30, message="the participation waiting to be sent")
    assert waiting["results"]["validated_skills_count"] == 6 and waiting["results"]["target_skills_count"] == 15

    shared = requests.post(f"{stack.gateway}/api/campaign-participations/{participation_id}/share", headers=student,
                           timeout=10)
    assert shared.status_code == 200, shared.text
    assert shared.json()["status"] == "SHARED"
    snapshot = shared.json()["results"]
    assert snapshot["mastery_rate"] == 0.4
    assert snapshot["competences"][0]["competence_code"] == "4.1"
    assert next(c for c in snapshot["profile"]["competences"] if c["competence_code"] == "4.1")["level"] == 2

    # The teacher follows it in reporting, which knows it only from the events.
    def participant():
        page = requests.get(f"{stack.gateway}/api/campaigns/{campaign['id']}/participants", headers=teacher,
                            timeout=10)
        items = page.json()["items"] if page.status_code == 200 else []
        return items[0] if items and items[0]["status"] == "SHARED" else None

    followed = wait_until(participant, timeout=30, message="the shared participation in reporting")
    assert (followed["last_name"], followed["participant_external_id"], followed["mastery_rate"]) == (
        "Étudiant", "L1-2026-042", 0.4)
    individual = requests.get(f"{stack.gateway}/api/campaigns/{campaign['id']}/participants/{participation_id}"
                              "/results", headers=teacher, timeout=10).json()
    assert individual["results"]["competences"][0]["code"] == "4.1"
    assert individual["results"]["validated_skills_count"] == 6
    collective = requests.get(f"{stack.gateway}/api/campaigns/{campaign['id']}/collective-results", headers=teacher,
                              timeout=10).json()
    assert (collective["shared_participations_count"], collective["competences"][0]["average_mastery_rate"]) == (
        1, 0.4)

    with requests.get(f"{stack.gateway}/api/campaigns/{campaign['id']}/export.csv", headers=teacher, timeout=10,
                      stream=True) as export:
        assert export.status_code == 200 and "Content-Length" not in export.headers  # streamed through
        lines = export.content.decode("utf-8").split("\n")
    assert lines[0].startswith("\ufeff\"Nom de l'organisation\";") and '"Numéro étudiant"' in lines[0]
    assert lines[1].startswith('"Université de Lille";') and '"L1-2026-042";1;' in lines[1] and lines[2] == ""

    learners = requests.get(f"{stack.gateway}/api/organizations/{organization_id}/learners", headers=teacher,
                            timeout=10).json()
    assert [(item["last_name"], item["campaigns_count"]) for item in learners["items"]] == [("Étudiant", 1)]

    # The lag from each event's publication to its effect is measured by reporting's consumer.
    metrics_url = stack.processes["reporting-consumer"].ready_url.replace("/health/ready", "/metrics")
    metrics = requests.get(metrics_url, timeout=10).text
    lag = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines()
           if line.startswith("msgkit_event_lag_seconds_count")}
    assert lag['msgkit_event_lag_seconds_count{handler="reporting.on_participation_changed"}'] >= 2, lag  # start, share
