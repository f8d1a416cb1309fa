from certification.domain import codes


def test_an_access_code_is_four_letters_then_two_digits_from_the_unambiguous_alphabets():
    drawn = {codes.access_code() for _ in range(500)}
    assert all(codes.ACCESS_CODE.fullmatch(code) for code in drawn)
    assert len(drawn) > 490  # drawn, not fixed
    assert not set("".join(drawn)) & set("AEIOULNSZ015")


def test_an_invigilator_password_has_six_characters_of_its_alphabet():
    drawn = [codes.invigilator_password() for _ in range(500)]
    assert all(len(p) == 6 and set(p) <= set(codes.INVIGILATOR_ALPHABET) for p in drawn)
    assert len(set(drawn)) > 490


def test_a_verification_code_is_p_dash_and_eight_distinct_characters():
    drawn = [codes.verification_code() for _ in range(500)]
    assert all(codes.VERIFICATION_CODE.fullmatch(code) for code in drawn)
    assert all(len(set(code[2:])) == 8 for code in drawn)
    assert len(set(drawn)) == 500


def test_secrets_compare_whole_texts_only():
    assert codes.same_secret("BCDF23", "BCDF23")
    assert not codes.same_secret("BCDF23", "BCDF2")
    assert not codes.same_secret("BCDF23", "bcdf23")
