"""Two requests at once that both pass the domain's checks: the database's unique indexes keep one."""

import threading

from certification_it import CERTIFIABLE, person, pupil, racing, schedule

from certification.entrypoints.api.app import create_app


def test_a_class_enrolled_twice_at_once_is_enrolled_once_and_the_other_request_told_so(runtime, college,
                                                                                         monkeypatch):
    session = schedule(create_app(runtime).test_client(), college.id, college.head).get_json()
    pupil(runtime, college.id, person("zoe"), profile=CERTIFIABLE)
    racing(runtime, monkeypatch)
    statuses, codes = [], []
    clients = iter([create_app(runtime).test_client() for _ in range(2)])  # built before the race, not in it

    def enrol():
        response = next(clients).post(
            f"/api/certification-sessions/{session['id']}/student-enrolments", headers=college.head.auth,
            json={"division": "3A"})
        statuses.append(response.status_code)
        codes.append((response.get_json().get("error") or {}).get("code"))

    threads = [threading.Thread(target=enrol) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [201, 409] and "CONCURRENT_UPDATE" in codes
    monkeypatch.undo()
    candidates = create_app(runtime).test_client().get(f"/api/certification-sessions/{session['id']}/candidates",
                                                       headers=college.head.auth).get_json()["items"]
    assert len(candidates) == 1
