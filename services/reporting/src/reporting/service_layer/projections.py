"""The projections: what each consumed event changes in the read models.

Each handler runs in the consumer's transaction, after the event was recorded in the journal, and again,
unchanged, when a read model is rebuilt from the journal (``rebuild``). The read models' writes are
guarded by versions, so a handler may see an event twice, late, or before the event it follows.

Five projections, each with its own tables, rebuilt or back-filled separately:

- ``directory``: organizations, memberships and Orga terms (who may read), accounts (their names and how they
  sign in) and the organizations' learners (who the participants are);
- ``content``: the latest release's competences and areas (names, and which skill is in which);
- ``campaigns``: the campaigns;
- ``participations``: the participations with their progress and, once shared, their results;
- ``certification``: the certification results certification published, one per course.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from msgkit import Envelope
from reporting.service_layer.unit_of_work import ReportingUnitOfWork

Handle = Callable[[dict[str, Any], Envelope, ReportingUnitOfWork], None]


# --- directory ------------------------------------------------------------------------------

def on_organization_created(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.save_organization(
        data["organization_id"], envelope.aggregate_version, name=data["name"], type=data["type"],
        external_id=data.get("external_id"), manages_students=data["manages_students"], archived=False)


def on_organization_archived(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.archive_organization(data["organization_id"], envelope.aggregate_version)


def on_membership_changed(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """Granted, role changed or revoked: the membership's state as of this organization version."""
    uow.read_models.save_membership(
        data["membership_id"], envelope.aggregate_version, organization_id=data["organization_id"],
        user_id=data["user_id"], role=data.get("role") or "MEMBER",  # a revoked event names no role
        active=not envelope.event_type.startswith("organizations.membership.revoked."))


def on_orga_terms_accepted(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.save_orga_terms(data["user_id"], envelope.aggregate_version, data["accepted_at"])


def on_user_registered(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """The names, and how the account signs in: with an email address (whether it has one, not which) or a
    username."""
    uow.read_models.save_user(data["user_id"], envelope.aggregate_version, data["first_name"], data["last_name"],
                              has_email=data["email"] is not None, username=data["username"])


def on_gar_linked(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """The account signs in through the GAR too (its own row: the link may come before the registration)."""
    uow.read_models.save_gar_sign_in(data["user_id"], envelope.aggregate_version, data["linked_at"])


def on_learners_imported(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """Each learner of the batch as of its own version (the envelope's is the whole list's)."""
    uow.read_models.save_learners(data["organization_id"], [
        {"learner_id": learner["learner_id"], "version": learner["version"], "user_id": learner["user_id"],
         "first_name": learner["first_name"], "last_name": learner["last_name"],
         "preferred_last_name": learner["preferred_last_name"], "birthdate": learner["birthdate"],
         "student_number": learner["student_number"], "division": learner["division"],
         "group_name": learner["group"], "disabled": learner["disabled"]}
        for learner in data["learners"]])


def on_learner_linked(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.link_learner(data["learner_id"], envelope.aggregate_version, data["organization_id"],
                                 data["user_id"], data["linked_at"])


def on_learner_unlinked(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """The account is no longer the learner: the list shows no link, and the account's participations made without
    naming the learner are the account's again (those made as the learner stay the learner's)."""
    uow.read_models.unlink_learner(data["learner_id"], envelope.aggregate_version, data["organization_id"])


# --- content --------------------------------------------------------------------------------

def on_content_released(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """Only names and the skills' competences: what reporting shows and how it groups results."""
    uow.read_models.replace_content(
        data["version"],
        areas=[{"code": area["code"], "name": area["name"]} for area in data["areas"]],
        competences=[{"code": c["code"], "area_code": c["area_code"], "name": c["name"]}
                     for c in data["competences"]],
        skills=[{"id": skill["id"], "competence_code": skill["competence_code"]} for skill in data["skills"]],
        target_profiles=[{"id": profile["id"], "name": profile["name"]} for profile in data["target_profiles"]])


# --- campaigns ------------------------------------------------------------------------------

def on_campaign_created(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    facts = {name: data[name] for name in ("type", "code", "target_profile_id", "target_skill_ids", "created_at",
                                           "external_id_label")}
    facts["target_profile_name"] = data.get("target_profile_name")
    uow.read_models.save_campaign_created(data["campaign_id"], envelope.aggregate_version, data["organization_id"],
                                          facts, _campaign_details(data))


def on_campaign_updated(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.save_campaign_details(data["campaign_id"], envelope.aggregate_version, data["organization_id"],
                                          _campaign_details(data))


def _campaign_details(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("name", "title", "owner_id", "multiple_sendings")}


def on_campaign_archived(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.save_campaign_archive(data["campaign_id"], envelope.aggregate_version, data["organization_id"],
                                          data["archived_at"])


def on_campaign_unarchived(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.save_campaign_archive(data["campaign_id"], envelope.aggregate_version, data["organization_id"],
                                          None)


# --- participations -------------------------------------------------------------------------

PROFILES_COLLECTION = "PROFILES_COLLECTION"


def _known(data: dict[str, Any]) -> dict[str, Any]:
    return {"campaign_id": data["campaign_id"], "organization_id": data["organization_id"]}


def on_participation_started(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    # A profiles collection has no test: its participation has something to send from the start.
    collecting = data["campaign_type"] == PROFILES_COLLECTION
    uow.read_models.save_participation_started(data["participation_id"], envelope.aggregate_version, {
        **_known(data), "campaign_type": data["campaign_type"], "user_id": data["user_id"],
        "organization_learner_id": data["organization_learner_id"],
        "participant_external_id": data["participant_external_id"], "is_improvement": data["is_improvement"],
        "started_at": data["started_at"], "restarted_at": data["started_at"],
        "completed_at": data["started_at"] if collecting else None, "progress_rate": 1 if collecting else 0})


def on_improvement_started(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.restart_participation(data["participation_id"], envelope.aggregate_version, _known(data),
                                          data["started_at"])


def on_results_shared(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    results = data["results"]
    profile = results.get("profile") or {}
    levels = [competence.get("level") or 0 for competence in profile.get("competences") or []]
    uow.read_models.share_participation(data["participation_id"], envelope.aggregate_version, _known(data), {
        "shared_at": data["shared_at"],
        "mastery_rate": results.get("mastery_rate"),
        "validated_skills_count": results.get("validated_skills_count"),
        "target_skills_count": results.get("target_skills_count"),
        "total_pix": profile.get("total_pix"),
        "certifiable": profile.get("certifiable"),
        "certifiable_competences_count": sum(1 for level in levels if level >= 1) if profile else None,
        "results": {"competences": results.get("competences") or [], "profile": profile or None},
    })


def on_participation_deleted(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    uow.read_models.delete_participation(data["participation_id"], envelope.aggregate_version, _known(data),
                                         data["deleted_at"])


def on_answer_recorded(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    if data["participation_id"] is not None:
        uow.read_models.record_progress(data["participation_id"], data["campaign_id"], data["answered_at"],
                                        data["progress_rate"], completed=False)


def on_assessment_completed(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    if data["participation_id"] is not None:
        uow.read_models.record_progress(data["participation_id"], data["campaign_id"], data["completed_at"], 1.0,
                                        completed=True)


# --- certification -------------------------------------------------------------------------

CERTIFICATION_RESULT_FIELDS = (
    "candidate_id", "session_id", "session_number", "certification_date", "center_id", "organization_id",
    "user_id", "organization_learner_id", "division", "first_name", "last_name", "birthdate", "verification_code",
    "status", "reason", "score", "max_score", "mesh_level", "competence_levels", "published_at")


def on_certification_result_published(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
    """One candidate's result, kept per course (the certificate) at the result's version: a correction of the
    same course (a rescoring published again) has a higher version and replaces it."""
    uow.read_models.save_certification_result(data["course_id"], envelope.aggregate_version,
                                              {name: data[name] for name in CERTIFICATION_RESULT_FIELDS})


# --- the registry and the rebuild -----------------------------------------------------------

@dataclass(frozen=True)
class Projection:
    queue: str  # the consumer handler whose queue (reporting.<queue>) receives these events
    handler: str  # what the events are to this projection (and the name of the schema that reads them)
    event_types: tuple[str, ...]
    projection: str
    handle: Handle


MEMBERSHIP_EVENTS = ("organizations.membership.granted.v1", "organizations.membership.role_changed.v1",
                     "organizations.membership.revoked.v1")

# One queue per source of events rather than per event type: the events of one aggregate (a participation's
# start, share and deletion) then come through one queue, mostly in the order they were published, and
# the broker holds 8 queues (and their retry and dead-letter queues) for reporting instead of 23.
def _queue(queue: str, projection: str, *handles: tuple[Handle, tuple[str, ...]]) -> tuple[Projection, ...]:
    return tuple(Projection(queue, handle.__name__, event_types, projection, handle) for handle, event_types in handles)


PROJECTIONS: tuple[Projection, ...] = (
    *_queue("on_organization_changed", "directory",
            (on_organization_created, ("organizations.organization.created.v1",)),
            (on_organization_archived, ("organizations.organization.archived.v1",)),
            (on_membership_changed, MEMBERSHIP_EVENTS)),
    *_queue("on_account_changed", "directory",
            (on_user_registered, ("identity.user.registered.v1",)),
            (on_gar_linked, ("identity.user.gar_linked.v1",)),
            (on_orga_terms_accepted, ("identity.user.orga_terms_accepted.v1",))),
    *_queue("on_learners_changed", "directory",
            (on_learners_imported, ("organizations.learners.imported.v1",)),
            (on_learner_linked, ("organizations.learner.linked.v1",)),
            (on_learner_unlinked, ("organizations.learner.unlinked.v1",))),
    *_queue("on_content_released", "content", (on_content_released, ("assessment.content.released.v1",))),
    *_queue("on_campaign_changed", "campaigns",
            (on_campaign_created, ("campaigns.campaign.created.v1",)),
            (on_campaign_updated, ("campaigns.campaign.updated.v1",)),
            (on_campaign_archived, ("campaigns.campaign.archived.v1",)),
            (on_campaign_unarchived, ("campaigns.campaign.unarchived.v1",))),
    *_queue("on_participation_changed", "participations",
            (on_participation_started, ("campaigns.participation.started.v1",)),
            (on_improvement_started, ("campaigns.participation.improvement_started.v1",)),
            (on_results_shared, ("campaigns.participation.results_shared.v1",)),
            (on_participation_deleted, ("campaigns.participation.deleted.v1",))),
    *_queue("on_assessment_progressed", "participations",
            (on_answer_recorded, ("assessment.answer.recorded.v1",)),
            (on_assessment_completed, ("assessment.assessment.completed.v1",))),
    *_queue("on_certification_results", "certification",
            (on_certification_result_published, ("certification.results.published.v1",))),
)

NAMES = ("directory", "content", "campaigns", "participations", "certification")


def project(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork, projection: Projection) -> None:
    """A consumed event: into the journal, then into its read model, in the handler's transaction."""
    uow.journal.record(envelope)
    projection.handle(data, envelope, uow)
    if projection.projection == "participations" and data.get("campaign_id"):
        uow.touch_campaign(data["campaign_id"])  # Orga's live activity, once committed (one notice per batch)


def rebuild(uow: ReportingUnitOfWork, names: Iterable[str], read: Callable[[Envelope], dict[str, Any]]) -> int:
    """Empty the named read models and apply the journal to them again, in the order it was first applied,
    in one transaction: readers see the old models until the new ones are committed. ``read`` turns an
    envelope into the payload its handler expects (the consumer's schemas). A new read model is back-filled
    the same way. Returns how many events were applied."""
    names = tuple(dict.fromkeys(names))
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise ValueError(f"unknown projection(s): {', '.join(unknown)}; known: {', '.join(NAMES)}")
    by_type = {event_type: p for p in PROJECTIONS if p.projection in names for event_type in p.event_types}
    applied = 0
    with uow:
        uow.begin_rebuild()
        uow.read_models.clear(names)
        for envelope in uow.journal.replay(frozenset(by_type)):
            by_type[envelope.event_type].handle(read(envelope), envelope, uow)
            applied += 1
        uow.commit()
    return applied
