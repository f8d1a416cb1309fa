"""The mails identity sends, in French and English, and where their links lead (svckit.mail delivers them).

A link leads to the face its reader came from (``face``): the learners' test or Orga, each with
its own address (settings LEARNER_URL and ORGA_URL). The token is in the fragment (``#token=``):
a browser never sends it to a server, so it is in no access log and no Referer.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.domain.recovery import ORGA
from svckit.mail import Mail


@dataclass(frozen=True)
class AccountLinks:
    learner_url: str
    orga_url: str

    def _face(self, face: str) -> str:
        return (self.orga_url if face == ORGA else self.learner_url).rstrip("/")

    def password_reset(self, face: str, token: str) -> str:
        return f"{self._face(face)}/nouveau-mot-de-passe#token={token}"

    def email_verification(self, face: str, token: str) -> str:
        return f"{self._face(face)}/verification-email#token={token}"


def password_reset_mail(*, to: str, first_name: str, link: str, locale: str) -> Mail:
    if locale == "en":
        return Mail(to=to, subject="Resetting your password", text=(
            f"Hello {first_name},\n\nSomeone asked to reset the password of the account {to}.\n\n"
            f"Choose a new password: {link}\n\nThis link works once, for one hour. Choosing a new password logs "
            "the account out everywhere. If you did not ask for it, ignore this mail: your password stays "
            "as it is.\n"))
    return Mail(to=to, subject="Réinitialisation de votre mot de passe", text=(
        f"Bonjour {first_name},\n\nUne demande de réinitialisation du mot de passe du compte {to} a été faite.\n\n"
        f"Choisir un nouveau mot de passe : {link}\n\nCe lien fonctionne une seule fois, pendant une heure. Un "
        "nouveau mot de passe déconnecte le compte partout. Si vous n'avez rien demandé, ignorez ce message : "
        "votre mot de passe ne change pas.\n"))


def verification_mail(*, to: str, first_name: str, link: str, locale: str) -> Mail:
    if locale == "en":
        return Mail(to=to, subject="Confirm your email address", text=(
            f"Hello {first_name},\n\nTo confirm that {to} is your address, follow this link: {link}\n\n"
            "Teachers need it to join their school's Orga dashboard; the link works for 48 hours. If you did "
            "not create an account, ignore this mail.\n"))
    return Mail(to=to, subject="Confirmez votre adresse e-mail", text=(
        f"Bonjour {first_name},\n\nPour confirmer que {to} est bien votre adresse, suivez ce lien : {link}\n\n"
        "Cette confirmation est nécessaire pour rejoindre l'espace Orga d'un établissement ; le lien fonctionne "
        "pendant 48 heures. Si vous n'avez pas créé de compte, ignorez ce message.\n"))
