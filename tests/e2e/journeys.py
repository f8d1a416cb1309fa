"""Steps that several journeys take through the gateway (imported by name from the e2e tests)."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
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


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def log_in(stack, email_address: str, password: str = PASSWORD, gateway: str | None = None) -> str:
    response = requests.post(f"{gateway or stack.gateway}/api/token", timeout=10,
                             json={"email": email_address, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def invitation_link(stack, to: str) -> tuple[str, str]:
    """The invitation id and code from the mail sent to ``to``, once it is there."""

    def find():
        for path in stack.mail_dir.glob("*.eml"):
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if mail["To"] == to:
                link = next(word for word in mail.get_content().split() if "/rejoindre?" in word)
                query = parse_qs(urlsplit(link).query)
                return query["invitationId"][0], query["code"][0]
        return None

    return wait_until(find, timeout=30, message=f"the invitation mail to {to}")


def platform_admin(stack) -> str:
    """A platform admin made as an operator does (``identity create-admin``), logged in."""
    admin_email = f"platform.{uuid.uuid4().hex[:8]}@example.org"
    command = subprocess.run([*service_command("identity"), "create-admin", "--email", admin_email, "--password-stdin"],
                             input=f"{PASSWORD}\n", text=True, capture_output=True,
                             env={**os.environ, **stack.identity_env})
    assert command.returncode == 0, command.stdout + command.stderr
    return log_in(stack, admin_email)


def sign_up(stack, first_name: str, last_name: str, address: str, gateway: str | None = None) -> str:
    """A new account, logged in (through ``gateway`` when it is not the stack's)."""
    response = requests.post(f"{gateway or stack.gateway}/api/users", timeout=10, json={
        "first_name": first_name, "last_name": last_name, "email": address, "password": PASSWORD,
        "accepted_terms": True})
    assert response.status_code == 201, response.text
    return log_in(stack, address, gateway=gateway)


@cache
def shipped_content() -> LearningContent:
    """The content pack the assessment service ships, as the stack releases it (version 1)."""
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
    up through the invitation mail, invitation accepted and Orga terms too: its id and the admin's
    bearer headers."""
    admin_email = f"admin.{uuid.uuid4().hex[:8]}@example.org"
    created = requests.post(f"{stack.gateway}/api/admin/organizations", headers=bearer(platform), timeout=10,
                            json={"manages_students": False, **fields, "admin_email": admin_email})
    assert created.status_code == 201, created.text
    invitation_id, code = invitation_link(stack, admin_email)
    admin = bearer(sign_up(stack, first_name, last_name, admin_email))
    accepted = requests.post(f"{stack.gateway}/api/invitations/{invitation_id}/accept", headers=admin,
                             json={"code": code}, timeout=10)
    assert accepted.status_code == 200, accepted.text
    terms = requests.post(f"{stack.gateway}/api/users/me/orga-terms-acceptance", headers=admin, timeout=10)
    assert terms.status_code == 200, terms.text
    return created.json()["id"], admin
