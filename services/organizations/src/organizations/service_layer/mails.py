"""The mails organizations sends, in French and English (svckit.mail delivers them)."""

from __future__ import annotations

from urllib.parse import urlencode

from organizations.domain.model import ADMIN, Invitation, Organization
from svckit.mail import Mail

_ROLE = {"fr": {ADMIN: "administrateur ou administratrice", "MEMBER": "membre"},
         "en": {ADMIN: "administrator", "MEMBER": "member"}}


def invitation_link(public_url: str, invitation: Invitation) -> str:
    return f"{public_url.rstrip('/')}/rejoindre?{urlencode({'invitationId': str(invitation.id), 'code': invitation.code})}"


def invitation_mail(organization: Organization, invitation: Invitation, public_url: str) -> Mail:
    link = invitation_link(public_url, invitation)
    if invitation.locale == "en":
        return Mail(
            to=invitation.email,
            subject=f"Invitation to join {organization.name}",
            text=(f"Hello,\n\nYou are invited to join {organization.name} as {_ROLE['en'][invitation.role]} on the "
                  f"Orga dashboard.\n\nAccept the invitation: {link}\n\nUse this link with the account of "
                  f"{invitation.email}. If you did not expect this invitation, ignore this mail.\n"),
        )
    return Mail(
        to=invitation.email,
        subject=f"Invitation à rejoindre {organization.name}",
        text=(f"Bonjour,\n\nVous êtes invité(e) à rejoindre {organization.name} en tant que "
              f"{_ROLE['fr'][invitation.role]} sur l'espace Orga.\n\nAccepter l'invitation : {link}\n\n"
              f"Utilisez ce lien avec le compte de {invitation.email}. Si vous n'attendiez pas cette invitation, "
              "ignorez ce message.\n"),
    )
