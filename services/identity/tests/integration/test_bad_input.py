"""Hostile text and shapes get a 400 in the common shape, never a 500 (issue 16), through the real app and
database: a NUL byte or a lone surrogate in a field, JSON nested 100,000 deep, %00 or broken UTF-8 in a path."""

import pytest

from svckit.testing import (
    INVALID_UTF8_IN_URL,
    LONE_SURROGATE,
    NUL,
    assert_error,
    deeply_nested_json,
    send_json,
)


def sign_up(**changes):
    return {"first_name": "Lou", "last_name": "Apprenant", "email": "lou.bad-input@example.org",
            "password": "Correct-Horse-42!", "accepted_terms": True, **changes}


@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "password"])
@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_sign_up_refuses_a_nul_or_a_lone_surrogate(client, field, bad):
    value = sign_up()[field]
    error = assert_error(send_json(client, "POST", "/api/users", sign_up(**{field: value[:2] + bad + value[2:]})))
    assert field in error["details"]["fields"]


@pytest.mark.parametrize("field", ["email", "password"])
@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_log_in_refuses_a_nul_or_a_lone_surrogate(client, field, bad):
    credentials = {"email": "lou@example.org", "password": "Correct-Horse-42!"}
    credentials[field] = "lo" + bad + credentials[field]
    assert_error(send_json(client, "POST", "/api/token", credentials))


@pytest.mark.parametrize("path", ["/api/users", "/api/token", "/api/token/refresh"])
def test_json_nested_100000_deep_is_refused(client, path):
    error = assert_error(client.post(path, data=deeply_nested_json(), content_type="application/json"))
    assert "nested" in str(error["details"])


@pytest.mark.parametrize("path", ["/api/users/me%00", "/api/token%00", f"/api/users/{INVALID_UTF8_IN_URL}"])
def test_a_nul_or_broken_utf8_in_the_path_is_refused(client, path):
    assert_error(client.get(path))
    assert_error(client.post(path, json={}))


def test_a_nul_in_the_query_string_is_refused(client):
    assert_error(client.get("/.well-known/jwks.json?x=%00"))
