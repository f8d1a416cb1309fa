"""A certificate on paper: what an attestation says, who gets one, and how its file is named.

**What it says** is exactly what the certificate's view says (``views._certificate``, the page of the learner's
face): names, birth date and place, the certification's date, the centre, the delivery date, the score out of
895, the global level (none below level 1), the level of each of the 16 competences with its name (``Non
certifiée`` for level 0, as the page says) and the verification code that anyone checks without an account.
Nothing else: no capacity, no answers, no result address.

**Who gets one**: a published, validated result. A rejected or cancelled certification gives no certificate,
so no attestation; an unpublished one does not exist for the candidate nor for the school yet.

**The competences' names** are the framework's (the content pack's ``framework.yaml`` in assessment, which a
contract test compares with these): the 16 competences are fixed by the national framework and certification
already holds their codes (``results.COMPETENCES``); content releases change tubes and skills, not these.
The attestation is in French: it goes into a French school's records and the school report.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

TIME_ZONE = ZoneInfo("Europe/Paris")
VALIDATED = "validated"

AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("1", "Information et données", ("1.1", "1.2", "1.3")),
    ("2", "Communication et collaboration", ("2.1", "2.2", "2.3", "2.4")),
    ("3", "Création de contenu", ("3.1", "3.2", "3.3", "3.4")),
    ("4", "Protection et sécurité", ("4.1", "4.2", "4.3")),
    ("5", "Environnement numérique", ("5.1", "5.2")),
)
COMPETENCE_NAMES: dict[str, str] = {
    "1.1": "Mener une recherche et une veille d'information",
    "1.2": "Gérer des données",
    "1.3": "Traiter des données",
    "2.1": "Interagir",
    "2.2": "Partager et publier",
    "2.3": "Collaborer",
    "2.4": "S'insérer dans le monde numérique",
    "3.1": "Développer des documents textuels",
    "3.2": "Développer des documents multimédia",
    "3.3": "Adapter les documents à leur finalité",
    "3.4": "Programmer",
    "4.1": "Sécuriser l'environnement numérique",
    "4.2": "Protéger les données personnelles et la vie privée",
    "4.3": "Protéger la santé, le bien-être et l'environnement",
    "5.1": "Résoudre des problèmes techniques",
    "5.2": "Construire un environnement numérique",
}

TITLE = "Attestation de certification"
KIND = "Certificat de compétences numériques"
NOT_CERTIFIED = "Non certifiée"
FILE_NAME_FORBIDDEN = frozenset('/\\:*?"<>|')


def attestable(certificate: Mapping[str, Any]) -> bool:
    """A published certificate (the view gives only those) that was validated."""
    return certificate["status"] == VALIDATED


def day(value: date | datetime) -> str:
    """``DD/MM/YYYY``; a moment is read in Paris (a delivery at 23:30 UTC is the next day there)."""
    if isinstance(value, datetime):
        value = value.astimezone(TIME_ZONE).date()
    return value.strftime("%d/%m/%Y")


def lines(certificate: Mapping[str, Any]) -> dict[str, Any]:
    """The attestation's texts, from the certificate's view (``views._certificate``)."""
    born = f"Né(e) le {day(certificate['birthdate'])}"
    if certificate.get("birthplace"):
        born += f" à {certificate['birthplace']}"
    levels = {item["competence_code"]: item["level"] for item in certificate["competence_levels"]}
    return {
        "title": TITLE, "kind": KIND, "name": f"{certificate['first_name']} {certificate['last_name']}", "born": born,
        "facts": [("Date de la certification", day(certificate["certification_date"])),
                  ("Centre de certification", certificate["certification_center"]),
                  ("Délivré le", day(certificate["delivered_at"])),
                  ("Code de vérification", certificate["verification_code"])],
        "score": f"{certificate['score']}", "max_score": f"sur {certificate['max_score']}",
        "mesh_level": f"Niveau global : {certificate['mesh_level']}" if certificate.get("mesh_level") else None,
        "areas": [(f"{area} {area_name}",
                   [(f"{code} {COMPETENCE_NAMES[code]}",
                     f"Niveau {levels[code]}" if levels.get(code) else NOT_CERTIFIED) for code in codes])
                  for area, area_name, codes in AREAS],
        "hint": "Toute personne peut vérifier ce certificat avec ce code, sans compte, sur la page "
                "« Vérifier un certificat ».",
    }


def _safe(text: str) -> str:
    # Cf as well as Cc: a right-to-left override would let a name pass for another extension (reporting's rule).
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text)
                   if ch not in FILE_NAME_FORBIDDEN and unicodedata.category(ch) not in ("Cc", "Cf"))
    return "-".join(kept.split())


def file_name(certificate: Mapping[str, Any]) -> str:
    """``attestation-<Last>-<First>-<YYYYMMDD of delivery>.pdf``."""
    delivered = certificate["delivered_at"].astimezone(TIME_ZONE)
    return (f"attestation-{_safe(certificate['last_name'])}-{_safe(certificate['first_name'])}-"
            f"{delivered:%Y%m%d}.pdf")


def class_file_name(division: str, moment: datetime, extension: str = "pdf") -> str:
    """``<YYYYMMDD>_attestations_<class>.pdf`` (the reference's name), the day in Paris; ``_resultats_`` for the
    CSV."""
    what = "attestations" if extension == "pdf" else "resultats"
    return f"{moment.astimezone(TIME_ZONE):%Y%m%d}_{what}_{_safe(division)}.{extension}"
