"""The mails certification sends, in French and English (svckit.mail delivers them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from certification.domain.centers import Center, Invitation
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from msgkit import Envelope
from svckit.mail import Mail, Mailer


def invitation_link(public_url: str, invitation: Invitation) -> str:
    query = urlencode({"invitationId": str(invitation.id), "code": invitation.code})
    return f"{public_url.rstrip('/')}/rejoindre?{query}"


def invitation_mail(center: Center, invitation: Invitation, public_url: str) -> Mail:
    link = invitation_link(public_url, invitation)
    if invitation.locale == "en":
        return Mail(to=invitation.email, subject=f"Invitation to administer the certification centre {center.name}",
                    text=(f"Hello,\n\nYou are invited to administer the certification centre {center.name}.\n\n"
                          f"Accept the invitation: {link}\n\nUse this link with the account of {invitation.email}. "
                          "If you did not expect this invitation, ignore this mail.\n"))
    return Mail(to=invitation.email, subject=f"Invitation à administrer le centre de certification {center.name}",
                text=(f"Bonjour,\n\nVous êtes invité(e) à administrer le centre de certification {center.name}.\n\n"
                      f"Accepter l'invitation : {link}\n\nUtilisez ce lien avec le compte de {invitation.email}. "
                      "Si vous n'attendiez pas cette invitation, ignorez ce message.\n"))


def on_invitation_issued(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork, *, mailer: Mailer,
                         public_url: str) -> None:
    """Mail the invitation. Sent before the inbox row commits: a crash in between sends it twice, never zero times."""
    center = uow.centers.by_invitation(data["invitation_id"])
    if center is None:
        return
    invitation = center.invitation(data["invitation_id"])
    if invitation.status == "PENDING":
        mailer.send(invitation_mail(center, invitation, public_url))


def results_mail(email: str, first_name: str, results_url: str) -> Mail:
    """In both languages: the candidate's locale is not known (a school's pupil never chose one here)."""
    link = f"{results_url.rstrip('/')}/mes-certifications"
    return Mail(to=email, subject="Vos résultats de certification sont disponibles / Your certification results "
                "are available",
                text=(f"Bonjour {first_name},\n\nLes résultats de votre certification sont publiés. Consultez votre "
                      f"certificat : {link}\n\n---\n\nHello {first_name},\n\nThe results of your certification are "
                      f"published. Read your certificate: {link}\n"))


def on_result_published(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork, *, mailer: Mailer,
                        results_url: str) -> None:
    """Mail the candidate whose results' address, or else account's verified address, is known; nobody else.
    Sent before the inbox row commits: a crash in between sends it twice, never zero times."""
    candidate = uow.candidates.get(data["candidate_id"])
    if candidate is None:
        return
    email = candidate.identity.result_email or (
        uow.replicas.verified_email(candidate.user_id) if candidate.user_id else None)
    if email:
        mailer.send(results_mail(email, candidate.identity.first_name, results_url))
