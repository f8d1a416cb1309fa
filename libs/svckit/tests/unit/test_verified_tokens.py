"""A verifier remembers the tokens it verified (issue 18): a token seen again is not RSA-checked again, but its
time and its key still are, on every request."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from svckit import auth
from svckit.auth import TokenRejected, TokenVerifier

ISSUER = AUDIENCE = "skills-platform"


class Keys:
    """A JWKS as a dictionary: kid -> public key; a key taken out is unknown, as in a rotation."""

    def __init__(self) -> None:
        self.private = {"k1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        self.lookups = 0

    def key_for(self, kid: str):
        self.lookups += 1
        if kid not in self.private:
            raise TokenRejected("INVALID_TOKEN", "The token is signed with an unknown key.")
        return self.private[kid].public_key()  # a new object each time, as a JWKS refetch gives


def token(keys: Keys, sub: str = "u1", kid: str = "k1", lifetime: timedelta = timedelta(minutes=15),
          audience: str = AUDIENCE) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({"iss": ISSUER, "aud": audience, "sub": sub, "iat": now, "exp": now + lifetime,
                       "token_use": "access", "roles": []}, keys.private[kid], algorithm="RS256",
                      headers={"kid": kid})


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def decodes(monkeypatch):
    """How many full verifications (signature checks) ran."""
    calls = []
    real = auth.jwt.decode

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counting)
    return calls


def test_a_token_seen_again_is_not_verified_again_but_its_key_is_asked_again(decodes):
    keys = Keys()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE)
    sent = token(keys)

    first, second = verifier.verify(sent), verifier.verify(sent)

    assert first.user_id == second.user_id == "u1"
    assert len(decodes) == 1
    assert keys.lookups == 2


def test_a_remembered_token_expires_when_it_would_have(decodes):
    keys, clock = Keys(), Clock()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE, leeway=10, clock=clock)
    sent = token(keys, lifetime=timedelta(seconds=60))
    verifier.verify(sent)

    clock.now += 60 + 9
    assert verifier.verify(sent).user_id == "u1"
    clock.now += 1
    with pytest.raises(TokenRejected) as refused:
        verifier.verify(sent)
    assert refused.value.code == "TOKEN_EXPIRED"
    assert len(decodes) == 1


def test_a_key_taken_out_of_the_jwks_stops_a_remembered_token_at_once(decodes):
    keys = Keys()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE)
    sent = token(keys)
    verifier.verify(sent)

    del keys.private["k1"]

    with pytest.raises(TokenRejected) as refused:
        verifier.verify(sent)
    assert refused.value.code == "INVALID_TOKEN"


def test_another_key_under_the_same_kid_makes_a_remembered_token_checked_again_and_refused(decodes):
    keys = Keys()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE)
    sent = token(keys)
    verifier.verify(sent)

    keys.private["k1"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(TokenRejected) as refused:
        verifier.verify(sent)
    assert refused.value.code == "INVALID_TOKEN"
    assert len(decodes) == 2


def test_a_refused_token_is_never_remembered(decodes):
    keys = Keys()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE)
    foreign = token(keys, audience="another-platform")

    for _ in range(2):
        with pytest.raises(TokenRejected):
            verifier.verify(foreign)
    assert len(decodes) == 2


def test_a_token_differing_by_one_byte_is_verified_in_full(decodes):
    keys = Keys()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE)
    sent = token(keys)
    verifier.verify(sent)
    tampered = sent[:-2] + ("A" if sent[-2] != "A" else "B") + sent[-1]

    with pytest.raises(TokenRejected):
        verifier.verify(tampered)
    assert len(decodes) == 2


def test_the_verifier_remembers_at_most_its_size_the_least_recently_used_going_first(decodes):
    keys = Keys()
    verifier = TokenVerifier(keys, ISSUER, AUDIENCE, cache_size=2)
    a, b, c = (token(keys, sub=sub) for sub in ("a", "b", "c"))
    verifier.verify(a)
    verifier.verify(b)
    verifier.verify(a)  # a is now the most recent: b goes when c comes
    verifier.verify(c)
    assert len(decodes) == 3

    verifier.verify(a)
    verifier.verify(c)
    assert len(decodes) == 3
    verifier.verify(b)
    assert len(decodes) == 4
    assert len(verifier._verified) == 2
