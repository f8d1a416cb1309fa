"""The projections' decisions, on hand-written fakes: what each event asks of the read models, and how a
rebuild replays the journal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from msgkit import Envelope
from reporting.service_layer import projections
from reporting.service_layer.read_models import AbstractReadModels
from reporting.service_layer.unit_of_work import AbstractJournal, ReportingUnitOfWork


class FakeReadModels:
    """Records each call to a method of the port (the SQL behind them, and its guards, is integration-tested)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str) -> Any:
        if name not in AbstractReadModels.__abstractmethods__:
            raise AttributeError(f"the read-models port has no {name}")
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))


class FakeJournal(AbstractJournal):
    def __init__(self) -> None:
        self.entries: list[Envelope] = []

    def record(self, envelope: Envelope) -> None:
        self.entries.append(envelope)

    def replay(self, event_types: frozenset[str], batch: int = 1000) -> Iterator[Envelope]:
        return (entry for entry in self.entries if entry.event_type in event_types)


class FakeUnitOfWork(ReportingUnitOfWork):
    def __init__(self) -> None:
        self.read_models, self.journal = FakeReadModels(), FakeJournal()
        self.committed, self.locked = False, False

    def commit(self) -> None:
        self.committed = True

    def rollback(self) -> None:
        pass

    def claim(self, handler: str, envelope: Envelope) -> bool:
        return True

    def begin_rebuild(self) -> None:
        self.locked = True


def envelope(event_type: str, version: int = 1, **payload: Any) -> Envelope:
    return Envelope(event_type=event_type, producer=event_type.split(".")[0], aggregate_id="a",
                    aggregate_version=version, payload=payload)


def test_shared_results_count_the_competences_at_level_one_or_more():
    uow = FakeUnitOfWork()
    data = {"participation_id": "p", "campaign_id": "c", "organization_id": "o", "shared_at": "t", "results": {
        "mastery_rate": 0.5, "validated_skills_count": 3, "target_skills_count": 6, "competences": [],
        "profile": {"total_pix": 30, "certifiable": False, "competences": [
            {"competence_code": "1.1", "pix": 16, "level": 2}, {"competence_code": "1.2", "pix": 8, "level": 1},
            {"competence_code": "2.1", "pix": 6, "level": 0}]}}}

    projections.on_results_shared(data, envelope("campaigns.participation.results_shared.v1", 3), uow)

    (name, (participation_id, version, known, results), _kwargs), = uow.read_models.calls
    assert (name, participation_id, version, known) == ("share_participation", "p", 3,
                                                        {"campaign_id": "c", "organization_id": "o"})
    assert (results["certifiable_competences_count"], results["total_pix"], results["mastery_rate"]) == (2, 30, 0.5)


def test_a_profiles_collection_start_is_complete_at_once_and_an_assessment_start_is_not():
    uow = FakeUnitOfWork()
    common = {"participation_id": "p", "campaign_id": "c", "organization_id": "o", "user_id": "u",
              "organization_learner_id": None, "participant_external_id": None, "is_improvement": False,
              "started_at": "t"}
    for campaign_type in ("PROFILES_COLLECTION", "ASSESSMENT"):
        projections.on_participation_started({**common, "campaign_type": campaign_type},
                                             envelope("campaigns.participation.started.v1"), uow)
    collection, assessment = (call[1][2] for call in uow.read_models.calls)
    assert (collection["completed_at"], collection["progress_rate"]) == ("t", 1)
    assert (assessment["completed_at"], assessment["progress_rate"]) == (None, 0)


def test_progress_outside_any_campaign_is_not_reporting_s_business():
    uow = FakeUnitOfWork()
    projections.on_answer_recorded({"participation_id": None, "campaign_id": None, "answered_at": "t",
                                    "progress_rate": 0.5}, envelope("assessment.answer.recorded.v1"), uow)
    assert uow.read_models.calls == []


def test_a_revoked_membership_is_kept_inactive_with_its_last_role():
    uow = FakeUnitOfWork()
    projections.on_membership_changed({"membership_id": "m", "organization_id": "o", "user_id": "u"},
                                      envelope("organizations.membership.revoked.v1", 4), uow)
    assert uow.read_models.calls == [("save_membership", ("m", 4), {"organization_id": "o", "user_id": "u",
                                                                     "role": "MEMBER", "active": False})]


def test_a_rebuild_clears_only_the_named_models_and_replays_only_their_events_in_journal_order():
    uow = FakeUnitOfWork()
    campaign = {"campaign_id": "c", "organization_id": "o", "name": "N", "title": None, "owner_id": "u",
                "multiple_sendings": False}
    uow.journal.entries = [
        envelope("campaigns.campaign.updated.v1", 2, **campaign),
        envelope("identity.user.registered.v1", 1, user_id="u", first_name="Lou", last_name="A"),
        envelope("campaigns.campaign.updated.v1", 3, **{**campaign, "name": "M"}),
    ]

    applied = projections.rebuild(uow, ["campaigns"], read=lambda e: e.payload)

    assert (applied, uow.locked, uow.committed) == (2, True, True)
    assert [(name, args[:2]) for name, args, _ in uow.read_models.calls] == [
        ("clear", (("campaigns",),)), ("save_campaign_details", ("c", 2)), ("save_campaign_details", ("c", 3))]


def test_a_rebuild_of_an_unknown_model_is_refused_before_anything_is_cleared():
    uow = FakeUnitOfWork()
    with pytest.raises(ValueError, match="unknown projection"):
        projections.rebuild(uow, ["campaigns", "everything"], read=lambda e: e.payload)
    assert uow.read_models.calls == []


def test_a_consumed_event_is_journaled_before_it_is_projected():
    uow = FakeUnitOfWork()
    event = envelope("identity.user.registered.v1", 1, user_id="u", first_name="Lou", last_name="A",
                     email="lou@example.org", username=None)
    projection = next(p for p in projections.PROJECTIONS if event.event_type in p.event_types)

    projections.project(event.payload, event, uow, projection)

    assert uow.journal.entries == [event]
    assert uow.read_models.calls == [("save_user", ("u", 1, "Lou", "A"), {"has_email": True, "username": None})]


def test_a_registration_keeps_whether_the_account_has_an_address_not_the_address():
    uow = FakeUnitOfWork()
    projections.on_user_registered({"user_id": "u", "first_name": "Chloé", "last_name": "C", "email": None,
                                    "username": "chloe.c1402"}, envelope("identity.user.registered.v1"), uow)
    assert uow.read_models.calls == [("save_user", ("u", 1, "Chloé", "C"),
                                      {"has_email": False, "username": "chloe.c1402"})]


def test_a_gar_link_is_kept_at_the_account_s_version_from_the_account_s_queue():
    uow = FakeUnitOfWork()
    projections.on_gar_linked({"user_id": "u", "uai": "0751234A", "linked_at": "t"},
                              envelope("identity.user.gar_linked.v1", 2), uow)
    assert uow.read_models.calls == [("save_gar_sign_in", ("u", 2, "t"), {})]
    [projection] = [p for p in projections.PROJECTIONS if "identity.user.gar_linked.v1" in p.event_types]
    assert (projection.queue, projection.projection) == ("on_account_changed", "directory")


def test_a_link_brings_its_date_and_an_unlink_names_only_the_learner():
    uow = FakeUnitOfWork()
    about = {"learner_id": "l", "organization_id": "o"}
    projections.on_learner_linked({**about, "user_id": "u", "linked_at": "t"},
                                  envelope("organizations.learner.linked.v1", 2), uow)
    projections.on_learner_unlinked({**about, "user_id": "u"}, envelope("organizations.learner.unlinked.v1", 3), uow)
    assert uow.read_models.calls == [("link_learner", ("l", 2, "o", "u", "t"), {}),
                                     ("unlink_learner", ("l", 3, "o"), {})]


def test_a_certification_result_is_kept_per_course_at_the_result_s_version():
    uow = FakeUnitOfWork()
    data = {name: f"<{name}>" for name in projections.CERTIFICATION_RESULT_FIELDS}
    data.update(course_id="c", uai="0751234A", center_name="Collège", scale_version="v1")

    projections.on_certification_result_published(data, envelope("certification.results.published.v1", 4), uow)

    [(name, (course_id, version, row), _kwargs)] = uow.read_models.calls
    assert (name, course_id, version) == ("save_certification_result", "c", 4)
    assert row == {name: f"<{name}>" for name in projections.CERTIFICATION_RESULT_FIELDS}  # what is not shown stays out
    assert [entry.event_type for entry in uow.journal.entries] == []  # project() journals; the handler only applies


def test_certification_results_are_a_read_model_of_their_own_on_their_own_queue():
    [projection] = [p for p in projections.PROJECTIONS if "certification.results.published.v1" in p.event_types]
    assert (projection.queue, projection.projection) == ("on_certification_results", "certification")
    assert "certification" in projections.NAMES
