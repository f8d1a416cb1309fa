"""Every api of a two-replica stack restarted one by one under a learner's load: no request fails.

A second api of each service runs on the e2e stack's databases and broker, and a gateway lists
both of each (``<SERVICE>_URL=<first>,<second>``). While learners go through a whole campaign
through that gateway (sign up, log in, refresh, join, wait for the assessment, answer every
question with an ``Idempotency-Key`` as the web face does, read the results and the profile) and
a teacher follows the campaign (reporting, organizations, campaigns), each of the ten apis is
stopped (SIGTERM), started again and waits to be ready, one after the other.

Every request must get the answer it would get on a quiet day: the apis drain (what is in hand is
finished, new connections are refused at once) and the gateway sends what a stopping api refused,
or what a closing connection broke when that is safe, to the other replica. No answer is recorded
twice: each finished assessment counts exactly the answers its learner sent.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import pytest
import requests
from journeys import PASSWORD, answer_knowing_up_to, bearer, organization_with_admin, platform_admin

from msgkit.testing import wait_until
from svckit.testing import ServiceProcess, free_port, service_command

SERVICES = ("identity", "organizations", "campaigns", "assessment", "reporting")
LEARNERS = 3


def _second_api(stack, service: str) -> ServiceProcess:
    first = stack.processes[f"{service}-api"]
    port = free_port()
    return ServiceProcess([*service_command(service), "api", "--bind", f"127.0.0.1:{port}"], first.env,
                          stack.logs / f"{service}-api-2.log", f"http://127.0.0.1:{port}/health/ready").start()


@pytest.fixture(scope="module")
def two_of_each(stack):
    """A second api of every service, and a gateway that takes both of each in turn."""
    seconds = {service: _second_api(stack, service) for service in SERVICES}
    port = free_port()
    urls = {service: f"{stack.urls[service]},{seconds[service].ready_url.removesuffix('/health/ready')}"
            for service in SERVICES}
    gateway = ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{port}"],
                             {**stack.gateway_env, **{f"{s.upper()}_URL": url for s, url in urls.items()}},
                             stack.logs / "gateway-two-of-each.log", f"http://127.0.0.1:{port}/health/ready").start()
    try:
        for process in [*seconds.values(), gateway]:
            process.wait_ready(60)
        yield {"gateway": f"http://127.0.0.1:{port}", "seconds": seconds}
    finally:
        gateway.stop()
        for process in seconds.values():
            process.stop()


class Load:
    """Learners and a teacher through one gateway; every answer that is not the expected one is kept."""

    def __init__(self, gateway: str) -> None:
        self.gateway = gateway
        self.failures: list[str] = []
        self.counts: Counter = Counter()
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def call(self, session: requests.Session, method: str, path: str, expected: set[int], **kwargs):
        """The response when it is one of ``expected``; anything else is kept as a failure (None)."""
        try:
            response = session.request(method, self.gateway + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            with self._lock:
                self.failures.append(f"{method} {path}: {type(error).__name__} {error}")
            return None
        with self._lock:
            self.counts[method] += 1
            if response.status_code not in expected:
                self.failures.append(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response if response.status_code in expected else None

    def keyed(self, session, method, path, expected, **kwargs):
        headers = {**kwargs.pop("headers", {}), "Idempotency-Key": str(uuid.uuid4())}
        return self.call(session, method, path, expected, headers=headers, **kwargs)

    def learner(self, code: str) -> None:
        """New learners one after the other, each through a whole test, until told to stop."""
        while not self.stop.is_set():
            session, email = requests.Session(), f"rolling.{uuid.uuid4().hex[:8]}@example.org"
            if not self.keyed(session, "POST", "/api/users", {201}, json={
                    "first_name": "Lou", "last_name": "Rolling", "email": email, "password": PASSWORD,
                    "accepted_terms": True}):
                return
            tokens = self.call(session, "POST", "/api/token", {200}, json={"email": email, "password": PASSWORD})
            if not tokens:
                return
            tokens = self.call(session, "POST", "/api/token/refresh", {200},
                               json={"refresh_token": tokens.json()["refresh_token"]})
            if not tokens:
                return
            auth = bearer(tokens.json()["access_token"])
            self.call(session, "GET", "/api/users/me", {200}, headers=auth)
            joined = self.keyed(session, "POST", "/api/campaign-participations", {201}, headers=auth,
                                json={"campaign_code": code})
            if not joined:
                return
            participation = joined.json()["id"]
            assessment = self.assessment_of(session, auth, participation)
            if assessment is None:
                return
            base = f"/api/assessments/{assessment}"
            answered = []
            while True:
                asked = self.call(session, "GET", f"{base}/next-challenge", {200}, headers=auth)
                if asked is None:
                    return
                challenge = asked.json()["challenge"]
                if challenge is None:
                    recorded = asked.json()["progress"]["answers_count"]
                    break
                if not self.keyed(session, "POST", f"{base}/answers", {201}, headers=auth,
                                  json=answer_knowing_up_to(3, challenge["id"])):
                    return
                answered.append(challenge["id"])
                time.sleep(0.1)
            self.call(session, "GET", f"{base}/checkpoint", {200}, headers=auth)
            self.call(session, "GET", f"{base}/results", {200}, headers=auth)
            self.call(session, "GET", "/api/users/me/profile", {200}, headers=auth)
            with self._lock:
                if recorded != len(answered):
                    self.failures.append(f"assessment {assessment}: {recorded} answers recorded, {len(answered)} sent")
                self.counts["tests taken"] += 1
                self.counts["answers"] += len(answered)

    def assessment_of(self, session, auth, participation: str) -> str | None:
        """The participation's assessment, made from an event: 404 until it is there."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = self.call(session, "GET", f"/api/campaign-participations/{participation}/assessment",
                              {200, 404}, headers=auth)
            if found is None:
                return None
            if found.status_code == 200:
                return found.json()["id"]
            time.sleep(0.2)
        with self._lock:
            self.failures.append(f"no assessment for participation {participation} after 30 s")
        return None

    def teacher(self, auth: dict, organization: str, campaign: str) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            for path in (f"/api/campaigns/{campaign}/activity", f"/api/campaigns/{campaign}/participants",
                         f"/api/organizations/{organization}", f"/api/campaigns/{campaign}"):
                self.call(session, "GET", path, {200}, headers=auth)
            time.sleep(0.3)


def a_campaign(stack) -> tuple[str, dict, str, str]:
    organization, teacher = organization_with_admin(stack, platform_admin(stack), name="Lycée des Relais",
                                                    type="SUP")

    def profiles():
        response = requests.get(f"{stack.gateway}/api/target-profiles", params={"organization_id": organization},
                                headers=teacher, timeout=10)
        return response.status_code == 200 and response.json()["items"]

    wait_until(profiles, timeout=30, message="target profiles for the teacher")
    created = requests.post(f"{stack.gateway}/api/organizations/{organization}/campaigns", headers=teacher,
                            timeout=10, json={"type": "ASSESSMENT", "name": "Relais", "title": "Sécurité",
                                              "target_profile_id": "competence-4.1"})
    assert created.status_code == 201, created.text
    campaign = created.json()["id"]
    wait_until(lambda: requests.get(f"{stack.gateway}/api/campaigns/{campaign}/activity", headers=teacher,
                                    timeout=10).status_code == 200, timeout=30, message="the campaign in reporting")
    return organization, teacher, campaign, created.json()["code"]


def test_restarting_every_api_one_by_one_under_a_learners_load_fails_no_request(stack, two_of_each):
    organization, teacher, campaign, code = a_campaign(stack)
    load = Load(two_of_each["gateway"])
    threads = [threading.Thread(target=load.learner, args=(code,)) for _ in range(LEARNERS)]
    threads.append(threading.Thread(target=load.teacher, args=(teacher, organization, campaign)))
    for thread in threads:
        thread.start()
    restarted = []
    try:
        time.sleep(2)
        for service in SERVICES:
            stack.restart(f"{service}-api")
            second = two_of_each["seconds"][service]
            second.stop()
            two_of_each["seconds"][service] = ServiceProcess(second.args, second.env, second.log_path,
                                                             second.ready_url).start().wait_ready(60)
            restarted += [f"{service}-api", f"{service}-api-2"]
        time.sleep(1)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(120)
    print(f"restarted {restarted}; requests and outcomes: {dict(load.counts)}; failures: {len(load.failures)}")
    assert len(restarted) == 10
    assert load.failures == [], load.failures[:20]
    assert load.counts["tests taken"] >= LEARNERS and load.counts["answers"] > 50, load.counts
