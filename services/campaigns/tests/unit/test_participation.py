import uuid
from datetime import UTC, datetime

import pytest

from campaigns.domain.exceptions import (
    CampaignArchivedError,
    ExternalIdInvalid,
    ManagerRequired,
    NothingToShare,
    NotTheParticipant,
    RetryNotAllowed,
)
from campaigns.domain.model import MEMBER, Actor, Campaign, TargetProfile
from campaigns.domain.participations import (
    SHARED,
    STARTED,
    TO_SHARE,
    Participation,
    ParticipationStarted,
    ResultsShared,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TEACHER, LEARNER = Actor(uuid.uuid4(), MEMBER), uuid.uuid4()
PROFILE = TargetProfile("p", {}, ("recherche1",), public=True)
RESULTS = {"mastery_rate": 0.5, "validated_skills_count": 1, "target_skills_count": 2, "competences": [],
           "profile": {"total_pix": 3, "certifiable": False, "competences": []}}


def campaign(**changes) -> Campaign:
    values = {"id": uuid.uuid4(), "organization_id": uuid.uuid4(), "code": "QTRZPK472", "creator": TEACHER,
              "type": "ASSESSMENT", "name": "Diagnostic", "title": "Rentrée", "target_profile": PROFILE, "now": NOW,
              "multiple_sendings_allowed": True}
    return Campaign.create(**{**values, **changes})


def join(on: Campaign, external_id=None) -> Participation:
    return Participation.start(id=uuid.uuid4(), campaign=on, user_id=LEARNER, external_id=external_id,
                               organization_learner_id=None, now=NOW)


def test_joining_an_assessment_starts_it_and_is_announced():
    participation = join(campaign())
    assert participation.status == STARTED
    assert isinstance(participation.events[0], ParticipationStarted)


def test_joining_a_profiles_collection_leaves_only_the_sending():
    collection = campaign(type="PROFILES_COLLECTION", title=None, target_profile=None)
    assert join(collection).status == TO_SHARE


@pytest.mark.parametrize(("label", "kind", "given", "code"), [
    ("Numéro étudiant", "TEXT", None, "EXTERNAL_ID_REQUIRED"),
    ("Numéro étudiant", "TEXT", "   ", "EXTERNAL_ID_REQUIRED"),
    ("Adresse", "EMAIL", "pas-une-adresse", "EXTERNAL_ID_MUST_BE_AN_EMAIL"),
    ("Numéro", "TEXT", "x" * 256, "EXTERNAL_ID_TOO_LONG"),
])
def test_the_external_id_is_checked_as_the_campaign_asks(label, kind, given, code):
    with pytest.raises(ExternalIdInvalid) as refused:
        join(campaign(external_id_label=label, external_id_type=kind), given)
    assert refused.value.error_code == code


def test_a_valid_external_id_is_kept_and_none_is_kept_when_not_asked():
    assert join(campaign(external_id_label="Adresse", external_id_type="EMAIL"), " lou@example.org ") \
        .participant_external_id == "lou@example.org"
    assert join(campaign(), "ignored").participant_external_id is None


def test_an_archived_campaign_takes_no_new_participant_and_no_share():
    archived = campaign()
    participation = join(archived)
    archived.archive(TEACHER, NOW)
    with pytest.raises(CampaignArchivedError):
        join(archived)
    participation.assessment_completed(RESULTS)
    with pytest.raises(CampaignArchivedError):
        participation.share(LEARNER, archived, None, NOW)


def test_results_are_sent_once_finished_by_the_participant_only_and_frozen():
    on = campaign()
    participation = join(on)
    with pytest.raises(NothingToShare):
        participation.share(LEARNER, on, None, NOW)
    participation.assessment_completed(RESULTS)
    with pytest.raises(NotTheParticipant):
        participation.share(uuid.uuid4(), on, None, NOW)
    participation.share(LEARNER, on, None, NOW)
    participation.share(LEARNER, on, None, NOW)
    participation.assessment_completed({**RESULTS, "mastery_rate": 1.0})
    assert participation.status == SHARED and participation.results["mastery_rate"] == 0.5
    shared = [e for e in participation.events if isinstance(e, ResultsShared)]
    assert len(shared) == 1 and shared[0].results == RESULTS


def test_a_profiles_collection_sends_the_learners_profile():
    collection = campaign(type="PROFILES_COLLECTION", title=None, target_profile=None)
    participation = join(collection)
    participation.share(LEARNER, collection, RESULTS["profile"], NOW)
    assert participation.events[-1].results == {"profile": RESULTS["profile"]}


def test_a_retry_supersedes_the_shared_participation_and_starts_an_improving_one():
    from datetime import timedelta

    on = campaign(multiple_sendings=True)
    first = join(on)
    first.assessment_completed(RESULTS)
    first.share(LEARNER, on, None, NOW)
    with pytest.raises(RetryNotAllowed) as soon:
        first.retry(new_id=uuid.uuid4(), user_id=LEARNER, campaign=on, delay=timedelta(days=4),
                    now=NOW + timedelta(days=3))
    assert soon.value.error_code == "RETRY_TOO_SOON"
    second = first.retry(new_id=uuid.uuid4(), user_id=LEARNER, campaign=on, delay=timedelta(days=4),
                         now=NOW + timedelta(days=4))
    assert first.superseded_at is not None and second.status == STARTED and second.is_improvement
    assert second.events[0].is_improvement is True


def test_deleting_erases_the_learner_and_only_a_manager_may():
    on = campaign(external_id_label="Numéro", external_id_type="TEXT")
    participation = join(on, "42")
    with pytest.raises(ManagerRequired):
        participation.delete(Actor(uuid.uuid4(), MEMBER), on, NOW)
    participation.delete(TEACHER, on, NOW)
    participation.delete(TEACHER, on, NOW)
    assert participation.user_id is None and participation.participant_external_id is None
    assert [type(e).__name__ for e in participation.events] == ["ParticipationStarted", "ParticipationDeleted"]


def test_improving_goes_back_to_started_only_from_a_finished_unsent_test():
    on = campaign()
    participation = join(on)
    with pytest.raises(RetryNotAllowed):
        participation.improve(LEARNER, on, NOW)
    participation.assessment_completed(RESULTS)
    with pytest.raises(NotTheParticipant):
        participation.improve(uuid.uuid4(), on, NOW)
    participation.improve(LEARNER, on, NOW)
    assert participation.status == STARTED and participation.results is None
    assert type(participation.events[-1]).__name__ == "ImprovementStarted"
