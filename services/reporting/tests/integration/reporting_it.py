"""Helpers shared by reporting's integration tests (imported by name: no clash with other folders).

Every read model is built the way production builds it: contract examples, with a few fields replaced,
handed to reporting's real consumer handlers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from svckit.testing import Person, deliver_example, token_for

COMPETENCES = (("1.1", "1", "Mener une recherche et une veille d'information", "Conducting a search"),
               ("1.2", "1", "Gérer des données", "Managing data"),
               ("2.1", "2", "Interagir", "Interacting"))
AREAS = (("1", "Information et données", "Information and data"), ("2", "Communication et collaboration",
                                                                      "Communication and collaboration"))
TUBES = {"1.1": ("recherche", "sources"), "1.2": ("donnees",), "2.1": ("interagir",)}


def deliver(runtime, event_type: str, aggregate_id: str, aggregate_version: int = 1, **payload: Any) -> None:
    """Hand an event to the consumer handler that reads it, as the broker would."""
    deliver_example(runtime, event_type, aggregate_id=aggregate_id, aggregate_version=aggregate_version,
                    contracts_from=Path(__file__).parent, **payload)


def person(name: str = "prof", roles: tuple[str, ...] = ()) -> Person:
    user_id, email = str(uuid.uuid4()), f"{name}.{uuid.uuid4().hex[:8]}@example.org"
    return Person(user_id, email, token_for(user_id, email, roles))


def release(runtime, version: int = 1) -> None:
    """A small release: three competences of two areas, skills of levels 1 to 5 in four tubes."""
    skills = [{"id": f"{tube}{level}", "name": f"@{tube}{level}", "tube_id": tube, "competence_code": code,
               "level": level, "pix_value": 1.6} for code, tubes in TUBES.items() for tube in tubes
              for level in range(1, 6)]
    deliver(runtime, "assessment.content.released.v1", "learning-content", version, version=version,
            areas=[{"code": code, "name": {"fr": fr, "en": en}} for code, fr, en in AREAS],
            competences=[{"code": code, "area_code": area, "name": {"fr": fr, "en": en}}
                         for code, area, fr, en in COMPETENCES],
            tubes=[], skills=skills,
            target_profiles=[{"id": "initial-diagnosis", "name": {"fr": "Diagnostic initial", "en": "Initial diagnosis"},
                              "description": {"fr": "", "en": ""}, "tubes": []}])


def organization(runtime, *, type: str = "SCO", manages_students: bool = True,
                 name: str = "Collège Victor Hugo") -> str:
    organization_id = str(uuid.uuid4())
    deliver(runtime, "organizations.organization.created.v1", organization_id, organization_id=organization_id,
            name=name, type=type, manages_students=manages_students)
    return organization_id


def grant(runtime, organization_id: str, who: Person, role: str = "MEMBER", version: int = 2, *,
          terms: bool = True) -> str:
    """A membership, by default of someone who accepted the Orga terms (identity's event)."""
    if terms:
        deliver(runtime, "identity.user.orga_terms_accepted.v1", who.id, 2, user_id=who.id)
    membership_id = str(uuid.uuid4())
    deliver(runtime, "organizations.membership.granted.v1", organization_id, version, membership_id=membership_id,
            organization_id=organization_id, user_id=who.id, role=role)
    return membership_id


def campaign(runtime, organization_id: str, *, type: str = "ASSESSMENT", name: str = "Diagnostic 4e B",
             skills: tuple[str, ...] = ("recherche1", "recherche2", "sources1", "donnees1", "interagir1"),
             external_id_label: str | None = None, version: int = 1, **payload: Any) -> str:
    campaign_id = str(uuid.uuid4())
    deliver(runtime, "campaigns.campaign.created.v1", campaign_id, version, campaign_id=campaign_id,
            organization_id=organization_id, type=type, name=name,
            target_profile_id="initial-diagnosis" if type == "ASSESSMENT" else None,
            target_skill_ids=list(skills) if type == "ASSESSMENT" else [], external_id_label=external_id_label,
            title=None, **payload)
    return campaign_id


def learner(runtime, organization_id: str, first_name: str, last_name: str, *, version: int = 1,
            user_id: str | None = None, **fields: Any) -> str:
    """One learner imported into the organization's list (a batch of one)."""
    learner_id = str(uuid.uuid4())
    deliver(runtime, "organizations.learners.imported.v1", organization_id, version, organization_id=organization_id,
            learners=[{"learner_id": learner_id, "change": "CREATED", "version": version, "first_name": first_name,
                       "last_name": last_name, "preferred_last_name": None, "birthdate": "2011-04-02",
                       "national_student_id": None, "student_number": fields.get("student_number"),
                       "division": fields.get("division"), "group": fields.get("group"), "user_id": user_id,
                       "disabled": fields.get("disabled", False)}])
    return learner_id


def account(runtime, first_name: str, last_name: str) -> str:
    user_id = str(uuid.uuid4())
    deliver(runtime, "identity.user.registered.v1", user_id, user_id=user_id, first_name=first_name,
            last_name=last_name, email=f"{uuid.uuid4().hex[:8]}@example.org")
    return user_id


def start(runtime, campaign_id: str, organization_id: str, user_id: str, *, type: str = "ASSESSMENT",
          at: str = "2026-11-20T09:00:00Z", learner_id: str | None = None, external_id: str | None = None,
          is_improvement: bool = False) -> str:
    participation_id = str(uuid.uuid4())
    deliver(runtime, "campaigns.participation.started.v1", participation_id, 1, participation_id=participation_id,
            campaign_id=campaign_id, organization_id=organization_id, user_id=user_id, campaign_type=type,
            participant_external_id=external_id, organization_learner_id=learner_id, is_improvement=is_improvement,
            started_at=at)
    return participation_id


def answer(runtime, participation_id: str, campaign_id: str, progress_rate: float, *, version: int = 2,
           at: str = "2026-11-20T09:05:00Z", assessment_id: str | None = None) -> None:
    assessment_id = assessment_id or str(uuid.uuid5(uuid.NAMESPACE_URL, participation_id))
    deliver(runtime, "assessment.answer.recorded.v1", assessment_id, version, assessment_id=assessment_id,
            participation_id=participation_id, campaign_id=campaign_id, answered_at=at, progress_rate=progress_rate)


def complete(runtime, participation_id: str, campaign_id: str, *, version: int = 20,
             at: str = "2026-11-20T09:30:00Z", assessment_id: str | None = None) -> None:
    assessment_id = assessment_id or str(uuid.uuid5(uuid.NAMESPACE_URL, participation_id))
    deliver(runtime, "assessment.assessment.completed.v1", assessment_id, version, assessment_id=assessment_id,
            participation_id=participation_id, campaign_id=campaign_id, completed_at=at)


def results(competences: dict[str, tuple[int, int]], *, pix: dict[str, tuple[int, int]] | None = None) -> dict:
    """A shared-results snapshot: per competence code, (validated, target) skills; ``pix``: (pix, level)."""
    area = {code: area for code, area, _fr, _en in COMPETENCES}
    rows = [{"competence_code": code, "area_code": area[code], "target_skills_count": target,
             "validated_skills_count": validated, "tested_skills_count": target,
             "mastery_rate": round(validated / target, 4) if target else 0}
            for code, (validated, target) in competences.items()]
    validated = sum(v for v, _t in competences.values())
    target = sum(t for _v, t in competences.values())
    pix = pix or {code: (8 * v, v) for code, (v, _t) in competences.items()}
    profile = {"total_pix": sum(p for p, _l in pix.values()), "certifiable": sum(1 for _p, lv in pix.values()
                                                                                 if lv >= 1) >= 5,
               "competences": [{"competence_code": code, "area_code": area.get(code, code[0]), "pix": p, "level": lv}
                               for code, (p, lv) in pix.items()]}
    return {"mastery_rate": round(validated / target, 4) if target else 0, "validated_skills_count": validated,
            "target_skills_count": target, "competences": rows, "profile": profile}


def share(runtime, participation_id: str, campaign_id: str, organization_id: str, user_id: str, shared: dict, *,
          version: int = 3, type: str = "ASSESSMENT", at: str = "2026-11-20T10:00:00Z") -> None:
    deliver(runtime, "campaigns.participation.results_shared.v1", participation_id, version,
            participation_id=participation_id, campaign_id=campaign_id, organization_id=organization_id,
            user_id=user_id, campaign_type=type, shared_at=at, results=shared)


# --- helpers of the read API's tests ----------------------------------------------------------

def delete(runtime, participation_id: str, campaign_id: str, organization_id: str, *, version: int = 10,
           at: str = "2026-11-23T10:15:00Z") -> None:
    """campaigns deleted the participation: the learner's identity is erased."""
    deliver(runtime, "campaigns.participation.deleted.v1", participation_id, version,
            participation_id=participation_id, campaign_id=campaign_id, organization_id=organization_id,
            deleted_by=str(uuid.uuid4()), deleted_at=at)


def participate(runtime, campaign_id: str, organization_id: str, user_id: str, *, shared: dict | None = None,
                progress: float | None = None, completed: bool = False, type: str = "ASSESSMENT",
                at: str = "2026-11-20T09:00:00Z", shared_at: str = "2026-11-20T10:00:00Z", **started: Any) -> str:
    """A participation taken as far as asked: some progress, the test finished, the results sent."""
    participation_id = start(runtime, campaign_id, organization_id, user_id, type=type, at=at, **started)
    if progress is not None:
        answer(runtime, participation_id, campaign_id, progress, at=at)
    if type == "ASSESSMENT" and (completed or shared is not None):
        complete(runtime, participation_id, campaign_id, at=at)
    if shared is not None:
        share(runtime, participation_id, campaign_id, organization_id, user_id, shared, type=type, at=shared_at)
    return participation_id


def profile(pix: dict[str, tuple[int, int]]) -> dict:
    """A profiles collection's snapshot: per competence code, (pix, level)."""
    return {"profile": results({}, pix=pix)["profile"]}


def certification_result(runtime, organization_id: str | None, first_name: str, last_name: str, *,
                         version: int = 2, course_id: str | None = None, **fields: Any) -> str:
    """certification published a candidate's result (a school's pupil when ``organization_id``)."""
    course_id = course_id or str(uuid.uuid4())
    deliver(runtime, "certification.results.published.v1", course_id, version, course_id=course_id,
            candidate_id=str(uuid.uuid4()), organization_id=organization_id,
            center_id=organization_id or str(uuid.uuid4()), first_name=first_name, last_name=last_name,
            **{"user_id": None, "organization_learner_id": None, **fields})
    return course_id
