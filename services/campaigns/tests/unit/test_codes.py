import random
from collections import Counter

from campaigns.domain import codes


def test_a_code_is_six_letters_without_i_l_o_then_three_digits_without_0_and_1():
    for _ in range(2000):
        code = codes.new_code()
        assert codes.is_valid(code), code
        assert not set(code) & set("ILO01")


def test_codes_are_drawn_from_the_whole_alphabet():
    drawn = Counter("".join(codes.new_code() for _ in range(3000)))
    assert set(drawn) == set(codes.LETTERS + codes.DIGITS)


def test_what_a_learner_types_is_read_as_a_code():
    assert codes.normalize(" qtrz-pk 472 ") == "QTRZPK472"
    assert not codes.is_valid("QTRZPK471") and not codes.is_valid("QTRZP472") and not codes.is_valid("OTRZPK472")


def test_the_draw_can_be_made_deterministic_for_tests():
    rng = random.Random(1)
    assert codes.new_code(rng.choice) == codes.new_code(random.Random(1).choice)
