"""What an import changes among an organization's learners."""

from dataclasses import replace
from datetime import date, datetime, timezone
from uuid import uuid4

from organizations.domain.learner_records import ImportedLearner
from organizations.domain.learners import IMPORTED_FIELDS, LearnerSnapshot, import_key, plan_import

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def record(ine: str, division: str = "6E1", **overrides) -> ImportedLearner:
    fields = {name: None for name in IMPORTED_FIELDS}
    fields.update(position=1, national_student_id=ine, first_name="Zoé", last_name="Martin", sex="F",
                  birthdate=date(2013, 1, 2), division=division)
    fields.update(overrides)
    return ImportedLearner(**fields)


def plan(existing, *records, disable_missing=True):
    return plan_import(existing=existing, records=list(records), key="national_student_id",
                       disable_missing=disable_missing, now=NOW)


def stored(first_plan, **overrides):
    """The new learners of a plan as the repository gives them back to the next import."""
    return [LearnerSnapshot(new.id, 1, False, None, tuple(new.values()[name] for name in IMPORTED_FIELDS), **overrides)
            for new in first_plan.created]


def test_the_import_records_carry_every_field_a_learner_keeps():
    assert set(IMPORTED_FIELDS) <= set(ImportedLearner.__dataclass_fields__)


def test_a_first_import_creates_everyone():
    first = plan([], record("1A"), record("2b"))
    assert [learner.key for learner in first.created] == ["1A", "2B"]
    assert [change.change for change in first.changes()] == ["CREATED", "CREATED"]
    assert first.created[1].values()["national_student_id"] == "2B"
    assert not first.updates()


def test_a_reimport_updates_only_what_changed_by_key_case_insensitively():
    existing = stored(plan([], record("1A"), record("2B")))
    again = plan(existing, record("1a", division="5E1"), record("2B"))
    [update] = again.updated
    assert set(update.columns) == {"division", "updated_at", "version"}
    assert (update.columns["division"], update.columns["version"]) == ("5E1", 2)
    assert (update.change.change, update.change.division, update.change.version) == ("UPDATED", "5E1", 2)
    assert again.unchanged == 1 and not again.created


def test_who_left_is_disabled_and_who_returns_is_enabled_keeping_the_account_link():
    user = uuid4()
    existing = stored(plan([], record("1A"), record("2B")))
    existing[1] = replace(existing[1], user_id=user)
    left = plan(existing, record("1A"))
    [gone] = left.disabled
    assert gone.id == existing[1].id and gone.columns["disabled_at"] == NOW and "user_id" not in gone.columns
    assert (gone.change.change, gone.change.disabled, gone.change.user_id) == ("DISABLED", True, user)

    existing[1] = replace(existing[1], disabled=True, version=2)
    back = plan(existing, record("1A"), record("2B"))
    [returning] = back.enabled
    assert returning.columns["disabled_at"] is None and returning.columns["version"] == 3
    assert [change.change for change in back.changes()] == ["ENABLED"]


def test_adding_and_updating_keeps_those_absent_from_the_file():
    existing = stored(plan([], record("1A"), record("2B")))
    assert not plan(existing, record("1A"), disable_missing=False).disabled


def test_schools_key_on_the_ine_and_universities_on_the_student_number():
    assert import_key("SCO") == "national_student_id"
    assert import_key("SUP") == "student_number"
