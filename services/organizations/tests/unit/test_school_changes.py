"""A pupil who changes school keeps their account: which links an import carries over, and which it does not."""

from datetime import datetime, timezone
from uuid import uuid4

from organizations.domain.events import LearnerLinked
from organizations.domain.learners import IMPORT
from organizations.domain.school_changes import (
    ACCOUNT_LINKED_HERE,
    ACCOUNT_OF_SEVERAL_PUPILS,
    ACCOUNT_UNLINKED_HERE,
    SEVERAL_ACCOUNTS,
    Arrival,
    CarryOver,
    LinkElsewhere,
    NotCarriedOver,
    plan_carry_overs,
)

NOW = datetime(2027, 9, 2, 8, 30, tzinfo=timezone.utc)
ZOE, LEO = "0702157788F", "0702144523K"


def test_an_arrival_gets_the_account_its_ine_has_in_another_school():
    arrival, account = Arrival(uuid4(), ZOE), uuid4()
    plan = plan_carry_overs([arrival], [LinkElsewhere(ZOE, account)], {})
    assert (plan.links, plan.refused) == ((CarryOver(arrival.learner_id, account, 2),), ())


def test_an_ine_linked_nowhere_else_carries_nothing_and_reports_nothing():
    plan = plan_carry_overs([Arrival(uuid4(), ZOE)], [LinkElsewhere(LEO, uuid4())], {})
    assert (plan.links, plan.refused) == ((), ())


def test_the_same_account_in_several_previous_schools_is_carried_over():
    arrival, account = Arrival(uuid4(), ZOE), uuid4()
    plan = plan_carry_overs([arrival], [LinkElsewhere(ZOE, account), LinkElsewhere(ZOE, account)], {})
    assert plan.links == (CarryOver(arrival.learner_id, account, 2),)


def test_an_ine_with_different_accounts_in_two_schools_chooses_none():
    arrival = Arrival(uuid4(), ZOE)
    plan = plan_carry_overs([arrival], [LinkElsewhere(ZOE, uuid4()), LinkElsewhere(ZOE, uuid4())], {})
    assert (plan.links, plan.refused) == ((), (NotCarriedOver(arrival.learner_id, ZOE, SEVERAL_ACCOUNTS),))


def test_an_account_already_linked_to_another_pupil_of_the_school_is_not_carried_over():
    arrival, account, classmate = Arrival(uuid4(), ZOE), uuid4(), uuid4()
    plan = plan_carry_overs([arrival], [LinkElsewhere(ZOE, account)], {account: classmate})
    assert (plan.links, plan.refused) == ((), (NotCarriedOver(arrival.learner_id, ZOE, ACCOUNT_LINKED_HERE),))
    assert "another pupil of this school" in plan.refused[0].message


def test_an_account_that_two_pupils_of_the_import_would_get_goes_to_neither():
    zoe, leo, other = Arrival(uuid4(), ZOE), Arrival(uuid4(), LEO), Arrival(uuid4(), "0702005566H")
    shared, own = uuid4(), uuid4()
    plan = plan_carry_overs([zoe, leo, other], [LinkElsewhere(ZOE, shared), LinkElsewhere(LEO, shared),
                                                LinkElsewhere("0702005566H", own)], {})
    assert plan.links == (CarryOver(other.learner_id, own, 2),)
    assert set(plan.refused) == {NotCarriedOver(zoe.learner_id, ZOE, ACCOUNT_OF_SEVERAL_PUPILS),
                                 NotCarriedOver(leo.learner_id, LEO, ACCOUNT_OF_SEVERAL_PUPILS)}


def test_an_account_an_admin_took_off_this_learner_is_not_linked_again():
    account = uuid4()
    arrival = Arrival(uuid4(), ZOE, unlinked_accounts=frozenset({account}))
    plan = plan_carry_overs([arrival], [LinkElsewhere(ZOE, account)], {})
    assert (plan.links, plan.refused) == ((), (NotCarriedOver(arrival.learner_id, ZOE, ACCOUNT_UNLINKED_HERE),))


def test_a_carried_over_link_is_recorded_as_the_imports_and_announced_as_a_reconciliation_is():
    arrival, account, admin, import_id, organization_id = Arrival(uuid4(), ZOE, version=3), uuid4(), uuid4(), uuid4(), \
        uuid4()
    [carry] = plan_carry_overs([arrival], [LinkElsewhere(ZOE, account)], {}).links
    link, linked = carry.link(organization_id, by=admin, import_id=import_id, now=NOW)
    assert (link.learner_id, link.user_id, link.linked_at, link.linked_by, link.link_method, link.import_id,
            link.current) == (arrival.learner_id, account, NOW, admin, IMPORT, import_id, True)
    # The learner's next version, as a reconciliation would give it.
    assert linked == LearnerLinked(arrival.learner_id, organization_id, account, NOW, 4)
