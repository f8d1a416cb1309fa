"""The assessment service is stateless: one learner's whole test over two assessment apis.

A second assessment api runs on the e2e stack's database and broker, and a second gateway
lists both (``ASSESSMENT_URL=<first>,<second>``), taking them in turn. A learner signs up,
joins a campaign and answers until the end through that gateway, while another learner
takes the same campaign with the same answers through the stack's gateway (one assessment
api). Every request carries its own correlation id: the apis' access logs tell which
replica served it, and consecutive assessment requests must have landed on different
replicas.

The same result as on one: the engine breaks ties with a hash of the assessment id, so two
learners see different questions. Each test is therefore compared with the one its
assessment id gives in a single process, the domain model replayed in memory with the same
answers: the questions asked, the progress after each answer, the results (mastery), the
checkpoint (answers) and the profile (knowledge) must all be the same. And the two learners,
who know the same skills, must end with the same results and profile.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from journeys import answer_knowing_up_to, bearer, organization_with_admin, platform_admin, shipped_content, sign_up

from assessment import views
from assessment.domain.model import Rules, new_assessment
from gateway.routes import ASSESSMENT, RoutingTable
from msgkit.testing import wait_until
from svckit.testing import ServiceProcess, free_port, service_command

CONTENT = shipped_content()
ROUTES = RoutingTable()
TARGETS = CONTENT.target_profiles["competence-4.1"].skill_ids(CONTENT)


def answer_to(challenge_id: str) -> dict:
    """The learners' knowledge: every skill up to level 3, none above."""
    return answer_knowing_up_to(3, challenge_id)


def outcome(results: dict, checkpoint: list, profile: dict) -> dict:
    """What a test ends with, in the API's terms, without ids, dates or translated names."""
    return {
        "results": (results["mastery_rate"], results["validated_skills_count"], results["target_skills_count"],
                    [(c["code"], c["area_code"], c["target_skills_count"], c["validated_skills_count"],
                      c["mastery_rate"]) for c in results["competences"]]),
        "checkpoint": [(a["index"], a["challenge_id"], json.loads(json.dumps(a["value"])), a["result"])
                       for a in checkpoint],
        "profile": (profile["total_pix"], profile["certifiable"],
                    [(c["code"], c["pix"], c["level"]) for c in profile["competences"]]),
    }


def in_one_process(assessment_id: str) -> dict:
    """The same assessment (same id, target and answers) played by the domain model in memory."""
    now, rules = datetime.now(timezone.utc), Rules()
    assessment = new_assessment(id=uuid.UUID(assessment_id), user_id=uuid.uuid4(), participation_id=None,
                                campaign_id=None, target_skill_ids=TARGETS, improving=False, created_at=now,
                                knowledge=[], answered_before=[])
    steps = []
    while (challenge := assessment.current_challenge(CONTENT, rules, now)) is not None:
        assessment.answer(CONTENT, rules, **answer_to(challenge.id), now=now, new_id=uuid.uuid4)
        steps.append((challenge.id, views.progress(assessment.progress(rules))))
    checkpoint = [{"index": a.index, "challenge_id": a.challenge_id, "value": a.value, "result": a.result}
                  for a in assessment.checkpoint()]
    return {"steps": steps, **outcome(views.results(CONTENT, assessment, rules, "fr"), checkpoint,
                                      views.user_profile(CONTENT, assessment.knowledge, rules, "fr"))}


@pytest.fixture(scope="module")
def two_replicas(stack):
    """A second assessment api on the stack's database and broker, and a gateway taking both in turn."""
    api_port, gateway_port = free_port(), free_port()
    second = f"http://127.0.0.1:{api_port}"
    api = ServiceProcess([*service_command("assessment"), "api", "--bind", f"127.0.0.1:{api_port}"],
                         stack.assessment_env, stack.logs / "assessment-api-2.log", f"{second}/health/ready").start()
    # One worker: its turn counter alone decides, so the replicas strictly alternate.
    gateway = ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{gateway_port}"],
                             {**stack.gateway_env, "ASSESSMENT_URL": f"{stack.urls['assessment']},{second}",
                              "WEB_CONCURRENCY": "1"},
                             stack.logs / "gateway-two-replicas.log",
                             f"http://127.0.0.1:{gateway_port}/health/ready").start()
    try:
        api.wait_ready(60)
        gateway.wait_ready(60)
        yield {"gateway": f"http://127.0.0.1:{gateway_port}",
               "logs": {"first": stack.processes["assessment-api"].log_path, "second": api.log_path}}
    finally:
        gateway.stop()
        api.stop()


class Learner:
    """One learner's calls through one gateway, each with its own correlation id, kept in order."""

    def __init__(self, gateway: str, token: str, tag: str) -> None:
        self.gateway, self.auth, self.tag = gateway, bearer(token), tag
        self.sent: list[tuple[str, str]] = []  # (correlation id, service), in the order sent

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        correlation = f"stateless-{self.tag}-{len(self.sent):03d}"
        route = ROUTES.resolve(method, path).route
        assert route is not None, path
        self.sent.append((correlation, route.service))
        return requests.request(method, self.gateway + path, timeout=10, **kwargs,
                                headers={**self.auth, "X-Correlation-ID": correlation})

    def assessment_calls(self) -> list[str]:
        return [correlation for correlation, service in self.sent if service == ASSESSMENT]


def a_campaign(stack) -> str:
    """An assessment campaign on competence 4.1, made by a teacher as in test_campaign_journey; its code."""
    organization_id, teacher = organization_with_admin(stack, platform_admin(stack), "Dominique", "Enseignant",
                                                       name="Lycée Stateless", type="SUP")

    def profiles():
        response = requests.get(f"{stack.gateway}/api/target-profiles", params={"organization_id": organization_id},
                                headers=teacher, timeout=10)
        return response.json()["items"] if response.status_code == 200 and response.json()["items"] else None

    wait_until(profiles, timeout=30, message="target profiles for the teacher")
    campaign = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/campaigns", headers=teacher,
                             timeout=10, json={"type": "ASSESSMENT", "name": "Sécurité, deux replicas",
                                               "title": "Sécurité", "target_profile_id": "competence-4.1"})
    assert campaign.status_code == 201, campaign.text
    return campaign.json()["code"]


def take_the_test(stack, gateway: str, campaign_code: str, tag: str) -> tuple[dict, Learner]:
    """Sign up, join, answer until the end (right up to level 3, skipped above); what the test ends with."""
    email = f"{tag}.{uuid.uuid4().hex[:8]}@example.org"
    learner = Learner(gateway, sign_up(stack, "Lou", "Stateless", email, gateway=gateway), tag)
    joined = learner.call("POST", "/api/campaign-participations", json={"campaign_code": campaign_code})
    assert joined.status_code == 201, joined.text
    participation_id = joined.json()["id"]

    def assessment():
        response = learner.call("GET", f"/api/campaign-participations/{participation_id}/assessment")
        return response.json() if response.status_code == 200 else None

    assessment_id = wait_until(assessment, timeout=30, message="the assessment")["id"]
    base = f"/api/assessments/{assessment_id}"
    steps = []
    while (challenge := learner.call("GET", f"{base}/next-challenge").json()["challenge"]) is not None:
        answered = learner.call("POST", f"{base}/answers", json=answer_to(challenge["id"]))
        assert answered.status_code == 201, answered.text
        steps.append((challenge["id"], answered.json()["assessment"]["progress"]))
        assert len(steps) < 40
        if answered.json()["assessment"]["checkpoint_due"]:  # as the learner app does, every fifth answer
            assert learner.call("GET", f"{base}/checkpoint").status_code == 200
    results = learner.call("GET", f"{base}/results").json()
    checkpoint = [{"index": a["index"], "challenge_id": a["challenge"]["id"], "value": a["your_answer"],
                   "result": a["result"]} for a in learner.call("GET", f"{base}/checkpoint").json()["answers"]]
    profile = learner.call("GET", "/api/users/me/profile").json()
    return {"assessment_id": assessment_id, "steps": steps, **outcome(results, checkpoint, profile)}, learner


def served_by(log: Path, prefix: str) -> dict[str, str]:
    """The requests an api's access log names whose correlation id starts with ``prefix``: id -> what."""
    served = {}
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message") == "request" and str(record.get("correlation_id", "")).startswith(prefix):
            served[record["correlation_id"]] = f"{record['method']} {record['path'].rsplit('/', 1)[-1]}"
    return served


def test_one_learners_test_over_two_assessment_apis_ends_as_on_one(stack, two_replicas):
    code = a_campaign(stack)
    on_one, _ = take_the_test(stack, stack.gateway, code, "one")
    on_two, learner = take_the_test(stack, two_replicas["gateway"], code, "two")

    assert on_two["steps"] and on_two["results"][1] > 0
    # each test is exactly the one its assessment would be in a single process
    for run in (on_one, on_two):
        assert {key: value for key, value in run.items() if key != "assessment_id"} == \
            in_one_process(run["assessment_id"])
    # and the two learners, who know the same skills, end the same
    assert (on_two["results"], on_two["profile"]) == (on_one["results"], on_one["profile"])

    calls = learner.assessment_calls()

    def all_logged():
        where = {name: served_by(path, "stateless-two-") for name, path in two_replicas["logs"].items()}
        return where if set(calls) <= where["first"].keys() | where["second"].keys() else None

    where = wait_until(all_logged, timeout=10, message="the replicas' access logs name every assessment request")
    assert not where["first"].keys() & where["second"].keys()
    replicas = ["first" if correlation in where["first"] else "second" for correlation in calls]
    # consecutive requests of the learner's test landed on different replicas, every time
    assert all(a != b for a, b in zip(replicas, replicas[1:], strict=False)), replicas
    assert len(calls) > 2 * len(on_two["steps"])  # the whole test: every question and every answer
    # the checkpoints shift the turns: each replica asked questions and took answers
    for served in where.values():
        assert {"GET next-challenge", "POST answers"} <= set(served.values()), served
