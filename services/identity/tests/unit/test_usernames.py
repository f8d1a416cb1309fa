"""Usernames as Pix makes them (domain/usernames.py)."""

from datetime import date

import pytest

from identity.domain.exceptions import InvalidName
from identity.domain.usernames import first_free, looks_like_email, normalize_username, username_base


def test_a_username_is_the_names_and_the_day_and_month_of_birth():
    assert username_base("Chloé", "Cœur-de-Roy", date(2012, 2, 14)) == "chloe.coeurderoy1402"


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("Jean-Noël", "D'Aubigné", "jeannoel.daubigne0503"),
    ("  Ana  María ", "Núñez", "anamaria.nunez0503"),
    ("Æsa", "Strauß", "aesa.strauss0503"),
    ("Łukasz", "Øster", "lukasz.oster0503"),
    ("ÉLODIE", "LE GALL", "elodie.legall0503"),
])
def test_accents_ligatures_spaces_hyphens_and_apostrophes_are_spelled_out_or_left_out(first, last, expected):
    assert username_base(first, last, date(2011, 3, 5)) == expected


def test_a_name_in_no_latin_letter_keeps_its_letters():
    assert username_base("明", "Li", date(2011, 12, 1)) == "明.li0112"


def test_a_name_with_no_letter_at_all_is_refused():
    with pytest.raises(InvalidName):
        username_base("--", "Li", date(2011, 12, 1))


def test_a_username_stays_short_enough_for_a_number_to_follow():
    made = username_base("A" * 200, "B" * 200, date(2011, 12, 1))
    assert made == "a" * 46 + "." + "b" * 46 + "0112" and len(made) + 3 <= 100


def test_a_free_username_is_given_as_it_is():
    assert first_free("chloe.coeurderoy1402", ["lou.apprenant0101"]) == "chloe.coeurderoy1402"


def test_a_taken_username_is_followed_by_the_first_free_number_from_two():
    taken = ["chloe.coeurderoy1402", "Chloe.Coeurderoy14022", "chloe.coeurderoy14024"]
    assert first_free("chloe.coeurderoy1402", taken) == "chloe.coeurderoy14023"


def test_what_holds_an_at_is_an_email_and_a_username_is_compared_in_lower_case():
    assert looks_like_email("lou@example.org") and not looks_like_email("chloe.coeurderoy1402")
    assert normalize_username("  Chloe.CoeurDeRoy1402 ") == "chloe.coeurderoy1402"
