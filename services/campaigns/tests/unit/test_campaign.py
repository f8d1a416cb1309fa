import uuid
from datetime import UTC, datetime

import pytest

from campaigns.domain.events import CampaignArchived, CampaignCreated, CampaignUnarchived, CampaignUpdated
from campaigns.domain.exceptions import CampaignInvalid, ManagerRequired
from campaigns.domain.model import ADMIN, MEMBER, Actor, Campaign, TargetProfile

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ORG = uuid.uuid4()
PROFILE = TargetProfile("initial-diagnosis", {"fr": "Diagnostic", "en": "Diagnosis"}, ("recherche1", "recherche2"),
                        public=True)
ADMIN_ACTOR, MEMBER_ACTOR, OTHER_MEMBER = Actor(uuid.uuid4(), ADMIN), Actor(uuid.uuid4(), MEMBER), \
    Actor(uuid.uuid4(), MEMBER)


def create(**changes) -> Campaign:
    values = {"id": uuid.uuid4(), "organization_id": ORG, "code": "QTRZPK472", "creator": MEMBER_ACTOR,
              "type": "ASSESSMENT", "name": "Diagnostic 4e B", "title": "Diagnostic de rentrée",
              "target_profile": PROFILE, "now": NOW}
    return Campaign.create(**{**values, **changes})


def test_an_assessment_campaign_freezes_its_target_skills_and_announces_itself():
    campaign = create(landing_text="  **Bienvenue**  ", external_id_label="Numéro étudiant", external_id_type="TEXT")
    assert campaign.target_skill_ids == ("recherche1", "recherche2")
    assert campaign.owner_id == MEMBER_ACTOR.user_id and campaign.landing_text == "**Bienvenue**"
    created = campaign.events[0]
    assert isinstance(created, CampaignCreated) and created.target_skill_ids == campaign.target_skill_ids


@pytest.mark.parametrize(("changes", "code"), [
    ({"name": "  "}, "CAMPAIGN_NAME_IS_REQUIRED"),
    ({"name": "x" * 256}, "CAMPAIGN_NAME_IS_TOO_LONG"),
    ({"type": None}, "CAMPAIGN_PURPOSE_IS_REQUIRED"),
    ({"type": "QUIZ"}, "CAMPAIGN_PURPOSE_IS_INVALID"),
    ({"target_profile": None}, "TARGET_PROFILE_IS_REQUIRED"),
    ({"type": "PROFILES_COLLECTION", "title": None}, "TARGET_PROFILE_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN"),
    ({"type": "PROFILES_COLLECTION", "target_profile": None},
     "TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN"),
    ({"title": "x" * 51}, "CAMPAIGN_TITLE_IS_TOO_LONG"),
    ({"landing_text": "x" * 5001}, "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG"),
    ({"external_id_label": "Numéro étudiant"}, "EXTERNAL_ID_TYPE_IS_REQUIRED"),
    ({"external_id_label": "Numéro", "external_id_type": "PHONE"}, "EXTERNAL_ID_TYPE_IS_INVALID"),
    ({"owner_is_member": False}, "OWNER_IS_NOT_A_MEMBER"),
])
def test_each_broken_rule_has_its_code(changes, code):
    with pytest.raises(CampaignInvalid) as refused:
        create(**changes)
    assert refused.value.code == code


def test_a_profiles_collection_has_neither_title_nor_target():
    campaign = create(type="PROFILES_COLLECTION", title=None, target_profile=None, multiple_sendings=True)
    assert campaign.target_skill_ids == () and campaign.title is None and campaign.multiple_sendings


def test_only_members_create_campaigns():
    with pytest.raises(ManagerRequired):
        create(creator=Actor(uuid.uuid4(), None))


def test_an_admin_or_the_owner_edits_and_a_plain_member_does_not():
    campaign = create()
    campaign.edit(MEMBER_ACTOR, {"title": "Nouveau titre"}, owner_is_member=True, now=NOW)
    campaign.edit(ADMIN_ACTOR, {"name": "Renommée", "owner_id": OTHER_MEMBER.user_id}, owner_is_member=True, now=NOW)
    assert (campaign.name, campaign.title, campaign.owner_id) == ("Renommée", "Nouveau titre", OTHER_MEMBER.user_id)
    with pytest.raises(ManagerRequired):
        campaign.edit(MEMBER_ACTOR, {"name": "Encore"}, owner_is_member=True, now=NOW)
    assert [type(e) for e in campaign.events] == [CampaignCreated, CampaignUpdated, CampaignUpdated]
    assert [e.version for e in campaign.events] == [1, 2, 3]


def test_an_edit_keeps_the_rules_and_a_no_change_edit_announces_nothing():
    campaign = create()
    with pytest.raises(CampaignInvalid) as refused:
        campaign.edit(ADMIN_ACTOR, {"title": "x" * 51}, owner_is_member=True, now=NOW)
    assert refused.value.code == "CAMPAIGN_TITLE_IS_TOO_LONG" and campaign.title == "Diagnostic de rentrée"
    campaign.edit(ADMIN_ACTOR, {"name": "Diagnostic 4e B"}, owner_is_member=True, now=NOW)
    assert len(campaign.events) == 1 and campaign.version == 1
    with pytest.raises(CampaignInvalid):
        campaign.edit(ADMIN_ACTOR, {"owner_id": uuid.uuid4()}, owner_is_member=False, now=NOW)


def test_archiving_and_unarchiving_are_announced_once():
    campaign = create()
    campaign.archive(MEMBER_ACTOR, NOW)
    campaign.archive(ADMIN_ACTOR, NOW)
    assert campaign.archived and campaign.archived_by == MEMBER_ACTOR.user_id
    with pytest.raises(ManagerRequired):
        campaign.unarchive(OTHER_MEMBER, NOW)
    campaign.unarchive(ADMIN_ACTOR, NOW)
    assert not campaign.archived
    assert [type(e) for e in campaign.events] == [CampaignCreated, CampaignArchived, CampaignUnarchived]


def test_a_target_profile_is_available_when_public_or_given_to_the_organization():
    private = TargetProfile("p", {}, (), public=False, organization_ids=(ORG,))
    assert private.available_to(ORG) and not private.available_to(uuid.uuid4()) and PROFILE.available_to(uuid.uuid4())


def test_assessment_campaigns_take_results_several_times_only_where_the_organization_allows_it():
    with pytest.raises(CampaignInvalid) as refused:
        create(multiple_sendings=True)
    assert refused.value.code == "MULTIPLE_SENDINGS_NOT_ALLOWED_FOR_ASSESSMENT"
    assert create(multiple_sendings=True, multiple_sendings_allowed=True).multiple_sendings
    assert create(type="PROFILES_COLLECTION", title=None, target_profile=None, multiple_sendings=True).multiple_sendings
    campaign = create()
    with pytest.raises(CampaignInvalid):
        campaign.edit(ADMIN_ACTOR, {"multiple_sendings": True}, owner_is_member=True, now=NOW)
    campaign.edit(ADMIN_ACTOR, {"multiple_sendings": True}, owner_is_member=True, now=NOW,
                  multiple_sendings_allowed=True)
    assert campaign.multiple_sendings
