"""The invigilator's page pushed live, through the gateway, on the real processes and the machine's Redis: the
invigilator opens the session's event stream, a candidate joins and the stream shows JOINED within a second,
the invigilator authorizes and it shows AUTHORIZED, without any request of the page in between."""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid

import requests
from journeys import bearer, invitation_link, platform_admin, sign_up, verify_email
from test_certification_journey import SESSION, api, publish_profile

from msgkit.testing import wait_until


class EventStream:
    """An event stream read by a thread as the pieces arrive: its messages, parsed, with their arrival time."""

    def __init__(self, response: requests.Response) -> None:
        self.response, self.messages = response, queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        try:
            while piece := self.response.raw.read1(65536):
                buffer += piece
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    fields = dict(line.split(": ", 1) for line in block.decode().split("\n"))
                    if "data" in fields:
                        self.messages.put((time.monotonic(), fields["event"], json.loads(fields["data"])))
        except Exception as error:  # noqa: BLE001 - the test closed the answer under the reader
            self.messages.put((time.monotonic(), "end", {"error": repr(error)}))
            return
        self.messages.put((time.monotonic(), "end", None))

    def next(self, timeout: float) -> tuple[float, str, dict | None]:
        return self.messages.get(timeout=timeout)


def test_the_invigilators_page_is_pushed_live_through_the_gateway(stack):
    platform = platform_admin(stack)
    admin_email = f"certif.{uuid.uuid4().hex[:8]}@example.org"
    center_id = api(stack, "POST", "/api/admin/certification-centers", platform, {
        "type": "PRO", "name": "Formations Live", "admin_email": admin_email}).json()["id"]
    invitation_id, code = invitation_link(stack, admin_email)
    admin = sign_up(stack, "Claire", "Certif", admin_email)
    verify_email(stack, admin_email)
    wait_until(lambda: api(stack, "POST", f"/api/certification-center-invitations/{invitation_id}/accept", admin,
                           {"code": code}).status_code == 200, timeout=30, message="the centre's admin joining")
    session = api(stack, "POST", f"/api/certification-centers/{center_id}/sessions", admin, SESSION).json()
    candidate = api(stack, "POST", f"/api/certification-sessions/{session['id']}/candidates", admin, {
        "first_name": "Zoé", "last_name": "Lefèvre", "birthdate": "1990-01-02", "sex": "F",
        "birthplace": "Lyon"}).json()
    zoe = sign_up(stack, "Zoé", "Lefèvre", f"zoe.{uuid.uuid4().hex[:8]}@example.org")
    publish_profile(stack, api(stack, "GET", "/api/users/me", zoe).json()["id"])
    invigilator = sign_up(stack, "Sam", "Surveillant", f"sam.{uuid.uuid4().hex[:8]}@example.org")
    assert api(stack, "POST", "/api/certification-invigilations", invigilator, {
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}
    ).status_code == 200
    join = {"session_number": session["number"], "first_name": "Zoe", "last_name": "LEFEVRE",
            "birthdate": "1990-01-02"}

    path = f"/api/certification-sessions/{session['id']}/invigilation/events"
    assert api(stack, "GET", path, sign_up(stack, "Eve", "Intruse", f"eve.{uuid.uuid4().hex[:8]}@example.org")
               ).json()["error"]["code"] == "NOT_AN_INVIGILATOR"  # before any stream: the common error shape
    response = requests.get(f"{stack.gateway}{path}", headers=bearer(invigilator), stream=True, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    stream = EventStream(response)
    try:
        _, kind, first = stream.next(timeout=5)
        assert kind == "invigilation"
        assert [(c["id"], c["status"]) for c in first["candidates"]] == [(candidate["id"], "NOT_ARRIVED")]

        def joined():
            answer = api(stack, "POST", "/api/certification-joinings", zoe, join)
            return answer if answer.status_code == 201 else None

        wait_until(joined, timeout=30, message="certification hearing of the candidate's profile")
        joined_at = time.monotonic()
        arrived, kind, view = stream.next(timeout=5)
        assert kind == "invigilation" and [c["status"] for c in view["candidates"]] == ["JOINED"]
        assert arrived - joined_at < 1.0, f"JOINED shown {arrived - joined_at:.2f} s after the joining"

        assert api(stack, "POST", f"/api/certification-candidates/{candidate['id']}/authorization",
                   invigilator).status_code == 204
        authorized_at = time.monotonic()
        arrived, kind, view = stream.next(timeout=5)
        assert [c["status"] for c in view["candidates"]] == ["AUTHORIZED"]
        assert arrived - authorized_at < 1.0
        assert view["candidates"][0]["authorized_until"] is not None
    finally:
        response.close()
