"""Steps that several journeys take through the gateway (imported by name from the e2e tests)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import threading
import uuid
from functools import cache
from urllib.parse import parse_qs, urlsplit

import requests

from assessment.adapters.content_pack import read_pack
from assessment.domain.answers import right_answer
from assessment.domain.content import LearningContent
from msgkit.testing import wait_until
from svckit.testing import service_command

PASSWORD = "Blue-Sky-2026!"


_SAMPLE_UAI = "0751234A"  # the school of organizations' sample SIECLE exports
_INE = re.compile(r"<ID_NATIONAL>([^<]*)</ID_NATIONAL>")


def school_export(export: str, uai: str, pupils_of: str | None = None) -> str:
    """A sample SIECLE export made this school's: its UAI, and pupils of its own (each INE made the school's),
    or those of the school ``pupils_of`` (the same INEs: pupils who moved from there).

    The schools of a run must not share pupils unless a test means it: a school importing an INE linked to an
    account in another school's list links its pupil to that account too (organizations: changing school), and a
    test that then signs a new account up as that pupil would find them taken."""
    export = export.replace(f"<UAJ>{_SAMPLE_UAI}</UAJ>", f"<UAJ>{uai}</UAJ>")
    owner = pupils_of or uai
    return _INE.sub(lambda ine: f"<ID_NATIONAL>{owner[:7]}{ine.group(1)[-4:]}</ID_NATIONAL>", export)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def log_in(stack, email_address: str, password: str = PASSWORD, gateway: str | None = None) -> str:
    response = requests.post(f"{gateway or stack.gateway}/api/token", timeout=10,
                             json={"email": email_address, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def mail_links(stack, to: str, marker: str) -> list[str]:
    """The links holding ``marker`` in the mails sent to ``to`` so far (identity's and organizations'
    mails land in the stack's mail folder), oldest first."""
    mails = sorted(stack.mail_dir.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    links = []
    for path in mails:
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if mail["To"] == to:
            links.extend(word for word in mail.get_content().split() if marker in word)
    return links


def mail_link(stack, to: str, marker: str) -> str:
    """The newest link holding ``marker`` in a mail to ``to``, once there is one."""
    return wait_until(lambda: mail_links(stack, to, marker)[-1:], timeout=30,
                      message=f"a mail to {to} with a link to {marker}")[0]


def invitation_link(stack, to: str) -> tuple[str, str]:
    """The invitation id and code from the mail sent to ``to``, once it is there."""
    query = parse_qs(urlsplit(mail_link(stack, to, "/rejoindre?")).query)
    return query["invitationId"][0], query["code"][0]


def verify_email(stack, address: str) -> None:
    """The owner of ``address`` follows the link of the verification mail identity sent at sign-up."""
    link = mail_link(stack, address, "/verification-email#token=")
    verified = requests.post(f"{stack.gateway}/api/email-verifications", timeout=10,
                             json={"token": link.split("#token=")[1]})
    assert verified.status_code == 200, verified.text


def accept_invitation(stack, token: str, invitation_id: str, code: str) -> requests.Response:
    """Accepts the invitation once organizations knows the address is verified (identity's event)."""
    def answer():
        response = requests.post(f"{stack.gateway}/api/invitations/{invitation_id}/accept", headers=bearer(token),
                                 json={"code": code}, timeout=10)
        lagging = response.status_code == 403 and response.json()["error"]["code"] == "EMAIL_NOT_VERIFIED"
        return None if lagging else response

    accepted = wait_until(answer, timeout=30, message="organizations hearing of the verified address")
    assert accepted.status_code == 200, accepted.text
    return accepted


def platform_admin_account(stack) -> tuple[str, str]:
    """A platform admin made as an operator does (``identity create-admin``), logged in: (address, token)."""
    admin_email = f"platform.{uuid.uuid4().hex[:8]}@example.org"
    command = subprocess.run([*service_command("identity"), "create-admin", "--email", admin_email, "--password-stdin"],
                             input=f"{PASSWORD}\n", text=True, capture_output=True,
                             env={**os.environ, **stack.identity_env})
    assert command.returncode == 0, command.stdout + command.stderr
    return admin_email, log_in(stack, admin_email)


def platform_admin(stack) -> str:
    return platform_admin_account(stack)[1]


def sign_up(stack, first_name: str, last_name: str, address: str, gateway: str | None = None) -> str:
    """A new account, logged in (through ``gateway`` when it is not the stack's)."""
    response = requests.post(f"{gateway or stack.gateway}/api/users", timeout=10, json={
        "first_name": first_name, "last_name": last_name, "email": address, "password": PASSWORD,
        "accepted_terms": True})
    assert response.status_code == 201, response.text
    return log_in(stack, address, gateway=gateway)


_content_read = threading.Lock()


def shipped_content() -> LearningContent:
    """The content pack the assessment service ships, as the stack releases it (version 1): read once per process,
    however many threads ask at once (bench/faults.py's learners start together; each parsing the pack, they held
    the interpreter of the process that relays the broker's traffic, and a broker cut took 30 s to recover)."""
    with _content_read:
        return _shipped_content()


@cache
def _shipped_content() -> LearningContent:
    return LearningContent(1, read_pack().document)


def answer_knowing_up_to(level: int, challenge_id: str) -> dict:
    """The answer of a learner who knows every skill up to ``level``: right there, skipped above."""
    content = shipped_content()
    challenge = content.challenges[challenge_id]
    knows = content.skills[challenge.skill_id].level <= level
    return {"challenge_id": challenge_id, "skipped": not knows,
            "value": right_answer(challenge, "fr") if knows else None}


def organization_with_admin(stack, platform: str, first_name: str = "Camille", last_name: str = "Enseignante",
                            **fields) -> tuple[str, dict[str, str]]:
    """An organization a platform admin creates (``fields``: name, type, ...), its first admin signed
    up through the invitation mail, address verified, invitation accepted and Orga terms too: its id
    and the admin's bearer headers."""
    admin_email = f"admin.{uuid.uuid4().hex[:8]}@example.org"
    created = requests.post(f"{stack.gateway}/api/admin/organizations", headers=bearer(platform), timeout=10,
                            json={"manages_students": False, **fields, "admin_email": admin_email})
    assert created.status_code == 201, created.text
    invitation_id, code = invitation_link(stack, admin_email)
    token = sign_up(stack, first_name, last_name, admin_email)
    verify_email(stack, admin_email)
    accept_invitation(stack, token, invitation_id, code)
    admin = bearer(token)
    terms = requests.post(f"{stack.gateway}/api/users/me/orga-terms-acceptance", headers=admin, timeout=10)
    assert terms.status_code == 200, terms.text
    return created.json()["id"], admin
