"""The GAR's rules (domain/gar.py) and the arrival tokens (adapters/arrivals.py)."""

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from identity.adapters.arrivals import JwtArrivalTokens
from identity.domain.exceptions import (
    GarProfileNotAllowed,
    IncompleteAssertion,
    InvalidArrival,
    SamlAssertionExpired,
)
from identity.domain.gar import GarIdentity, VerifiedAssertion
from svckit.auth import TokenRejected, TokenVerifier

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
PUPIL = {"IDO": ["e3b2c6f0a1d94e7c8b5a2f61d0c4a9e1"], "PRE": [" Chloé "], "NOM": ["Cœurderoy"], "UAI": ["0751234a"],
         "PRO": ["National_elv"]}


def test_a_pupils_attributes_are_read():
    pupil = GarIdentity.from_attributes(PUPIL)
    assert pupil == GarIdentity(ido="e3b2c6f0a1d94e7c8b5a2f61d0c4a9e1", first_name="Chloé", last_name="Cœurderoy",
                                uai="0751234A", profile="National_elv")


@pytest.mark.parametrize("profile", ["National_ens", "National_doc", "National_dir", "national_elv", " "])
def test_only_pupils_sign_in_through_the_gar(profile):
    with pytest.raises(GarProfileNotAllowed if profile.strip() else IncompleteAssertion):
        GarIdentity.from_attributes({**PUPIL, "PRO": [profile]})


def test_the_profile_is_checked_before_anything_else():
    with pytest.raises(GarProfileNotAllowed):  # a teacher's assertion is refused as such, whatever else it lacks
        GarIdentity.from_attributes({"PRO": ["National_ens"]})


@pytest.mark.parametrize("missing", ["IDO", "PRE", "NOM", "UAI"])
def test_an_assertion_without_one_of_its_attributes_is_incomplete(missing):
    with pytest.raises(IncompleteAssertion, match=missing):
        GarIdentity.from_attributes({**PUPIL, missing: []})


@pytest.mark.parametrize("name, value", [("UAI", "075123"), ("UAI", "0751234AB"), ("IDO", "a b"), ("IDO", "x" * 129)])
def test_malformed_ids_are_refused(name, value):
    with pytest.raises(IncompleteAssertion):
        GarIdentity.from_attributes({**PUPIL, name: [value]})


def test_an_assertion_past_its_end_is_expired():
    assertion = VerifiedAssertion("id-1", NOW, GarIdentity.from_attributes(PUPIL))
    assertion.check_still_valid(NOW - timedelta(seconds=1))
    with pytest.raises(SamlAssertionExpired):
        assertion.check_still_valid(NOW)


def test_an_arrival_token_carries_the_identity_for_ten_minutes(arrivals):
    pupil = GarIdentity.from_attributes(PUPIL)
    token = arrivals.issue(pupil, NOW)
    assert arrivals.read(token, NOW + timedelta(minutes=9, seconds=59)) == pupil
    with pytest.raises(InvalidArrival):
        arrivals.read(token, NOW + timedelta(minutes=10))


def test_organizations_reads_an_arrival_with_identity_s_public_keys_and_no_service_takes_it_for_an_access_token(
        arrivals, keys):
    pupil = GarIdentity.from_attributes(PUPIL)
    token = arrivals.issue(pupil, datetime.now(timezone.utc))
    verifier = TokenVerifier(keys, "skills-platform", "skills-platform")
    claims = verifier.verify_arrival(token)
    assert claims["token_use"] == "gar_arrival" and claims["sub"] == f"gar:{pupil.ido}"
    assert GarIdentity.from_claims(claims) == pupil
    with pytest.raises(TokenRejected, match="not an access token"):
        verifier.verify(token)


@pytest.mark.parametrize("spoil", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "e" + t[1:] if not t.startswith("e") else "f" + t[1:],  # the header
    lambda t: ".".join(t.split(".")[:2]),  # no signature
    lambda t: "",
    lambda t: "a.b.c",
])
def test_a_spoilt_arrival_token_is_refused(spoil, arrivals):
    token = arrivals.issue(GarIdentity.from_attributes(PUPIL), NOW)
    with pytest.raises(InvalidArrival):
        arrivals.read(spoil(token), NOW)


def test_an_arrival_token_of_another_key_or_an_access_token_is_refused(arrivals, keys):
    other = JwtArrivalTokens(type(keys)(), issuer="skills-platform", audience="skills-platform")
    with pytest.raises(InvalidArrival):
        arrivals.read(other.issue(GarIdentity.from_attributes(PUPIL), NOW), NOW)
    kid, private = keys.signing_key()
    access = jwt.encode({"iss": "skills-platform", "aud": "skills-platform", "sub": "u1", "iat": NOW, "exp":
                         NOW + timedelta(minutes=5), "token_use": "access", **GarIdentity.from_attributes(PUPIL)
                         .as_claims()}, private, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(InvalidArrival):
        arrivals.read(access, NOW)
