"""How an account signs in and what a pupil who already has one is told (domain/sign_in_methods.py)."""

import pytest

from organizations.domain.exceptions import LearnerLinkedToAnotherAccount
from organizations.domain.sign_in_methods import (
    ANOTHER_SCHOOL,
    SAME_SCHOOL,
    AccountAlreadyExists,
    SignInMethods,
    conflict,
    mask_email,
    mask_username,
)


def test_every_method_is_listed_and_the_gar_then_the_username_then_the_address_is_shown():
    everything = SignInMethods(email="lou@example.org", username="lou.apprenant1203", gar=True)
    assert everything.names == ["EMAIL", "USERNAME", "GAR"]
    assert everything.shown() == ("GAR", None)
    assert SignInMethods("lou@example.org", "lou.apprenant1203", False).shown() == ("USERNAME", "l***.a***1203")
    assert SignInMethods("lou@example.org", None, False).shown() == ("EMAIL", "l***@example.org")
    assert SignInMethods(None, None, False).shown() is None and SignInMethods(None, None, False).names == []


@pytest.mark.parametrize(("username", "masked"), [
    ("chloe.coeurderoy1402", "c***.c***1402"),
    ("jean-noel.dalmeida0201", "j***.d***0201"),
    ("zoe.ozturk05062", "z***.o***05062"),  # made unique with a digit more
    ("nodigits", "n***"),
])
def test_a_username_keeps_each_part_s_first_letter_and_its_digits(username, masked):
    assert mask_username(username) == masked


def test_an_address_keeps_its_first_letter_and_its_domain():
    assert mask_email("jean.dupont@college-flaubert.fr") == "j***@college-flaubert.fr"


@pytest.mark.parametrize(("where", "methods", "short_code", "code"), [
    (SAME_SCHOOL, SignInMethods("a@b.fr", None, False), "R31", "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    (SAME_SCHOOL, SignInMethods(None, "a.b0101", False), "R32",
     "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    (SAME_SCHOOL, SignInMethods(None, None, True), "R33", "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    (ANOTHER_SCHOOL, SignInMethods("a@b.fr", None, False), "R11",
     "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    (ANOTHER_SCHOOL, SignInMethods(None, "a.b0101", False), "R12",
     "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    (ANOTHER_SCHOOL, SignInMethods(None, None, True), "R13",
     "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
])
def test_each_conflict_has_pix_s_code(where, methods, short_code, code):
    refusal = conflict(where, methods)
    assert isinstance(refusal, AccountAlreadyExists) and isinstance(refusal, LearnerLinkedToAnotherAccount)
    assert (refusal.error_code, refusal.details["short_code"]) == (code, short_code)


def test_an_account_not_announced_yet_gets_the_plain_refusal():
    refusal = conflict(SAME_SCHOOL, None)
    assert type(refusal) is LearnerLinkedToAnotherAccount
    assert type(conflict(SAME_SCHOOL, SignInMethods(None, None, False))) is LearnerLinkedToAnotherAccount
