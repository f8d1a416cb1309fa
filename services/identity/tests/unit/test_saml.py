"""The SAML checks of identity's service provider (adapters/saml.py), against answers signed by a test IdP made
with pysaml2 and then tampered with: every attack is refused. The real IdP's answers are tried in the
integration tests (test_gar_sign_in.py)."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
import saml2.time_util

from identity.adapters.saml import SamlServiceProvider, SamlSettings
from identity.domain.exceptions import GarProfileNotAllowed, IncompleteAssertion, InvalidSamlResponse
from identity.testing import PUPIL, TestIdentityProvider, encoded

SP = SamlSettings(entity_id="https://skills.test/api/saml/metadata", acs_url="https://skills.test/api/saml/acs")
OTHER_SP = SamlSettings(entity_id="https://other.test/saml/metadata", acs_url=SP.acs_url)
ASSERTION = re.compile(r"<ns1:Assertion .*?</ns1:Assertion>", re.S)


def _both_sps_metadata() -> str:
    ours, other = SamlServiceProvider(SP).metadata(), SamlServiceProvider(OTHER_SP).metadata()
    body = lambda xml: xml[xml.index("<ns0:EntityDescriptor"):]  # noqa: E731
    return ('<ns0:EntitiesDescriptor xmlns:ns0="urn:oasis:names:tc:SAML:2.0:metadata">'
            f"{body(ours)}{body(other)}</ns0:EntitiesDescriptor>")


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    return TestIdentityProvider(tmp_path_factory.mktemp("idp"), _both_sps_metadata())


@pytest.fixture
def sp(idp, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text(idp.metadata)
    return SamlServiceProvider(replace(SP, idp_metadata_file=str(metadata)))


def refused(sp, xml: str, caplog) -> str:
    """The reason logged (never told to the browser)."""
    with caplog.at_level("INFO", logger="identity.adapters.saml"), pytest.raises(InvalidSamlResponse):
        sp.verify(encoded(xml))
    return caplog.text


def test_a_signed_assertion_of_a_pupil_is_read(sp, idp):
    verified = sp.verify(encoded(idp.response_xml(SP.entity_id, SP.acs_url)))
    assert verified.identity.ido == PUPIL["IDO"][0]
    assert (verified.identity.first_name, verified.identity.last_name, verified.identity.uai) == (
        "Lou", "Apprenant", "0751234A")
    assert verified.assertion_id.startswith("id-")
    assert timedelta(minutes=4) < verified.not_on_or_after - saml2_now() <= timedelta(minutes=5, seconds=5)


def saml2_now():
    from datetime import datetime, timezone
    return datetime.fromtimestamp(saml2.time_util.utc_now(), timezone.utc)


def test_an_unsigned_assertion_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url, sign_assertion=False)
    assert "<ns2:Signature" not in xml
    assert "Signature missing for assertion" in refused(sp, xml, caplog)


def test_an_unsigned_assertion_in_a_signed_response_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url, sign_assertion=False, sign_response=True)
    assert xml.count("<ns2:SignatureValue>") == 1 and "SignatureValue" not in ASSERTION.search(xml).group(0)
    assert "Signature missing for assertion" in refused(sp, xml, caplog)


def test_an_assertion_signed_with_sha1_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url, sha1=True)
    assert "xmldsig#rsa-sha1" in xml
    assert "signed with SHA-1" in refused(sp, xml, caplog)


def test_an_assertion_altered_after_signing_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url)
    assert PUPIL["IDO"][0] in xml
    assert "Failed to verify signature" in refused(sp, xml.replace(PUPIL["IDO"][0], "f" * 32), caplog)


def test_an_assertion_signed_by_another_key_is_refused(sp, tmp_path, caplog):
    impostor = TestIdentityProvider(tmp_path / "impostor", _both_sps_metadata())  # the GAR's name, not its key
    assert "Failed to verify signature" in refused(sp, impostor.response_xml(SP.entity_id, SP.acs_url), caplog)


def _forged(original: str) -> str:
    """The signed assertion copied, unsigned, with another pupil's IDO and a new ID."""
    forged = re.sub(r"<ns2:Signature .*?</ns2:Signature>", "", original, flags=re.S)
    forged = forged.replace(PUPIL["IDO"][0], "0" * 32)
    return re.sub(r'ID="[^"]+"', 'ID="id-forged"', forged, count=1)


def test_signature_wrapping_a_forged_assertion_before_the_signed_one_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url)
    original = ASSERTION.search(xml).group(0)
    assert "Invalid number of assertions" in refused(sp, xml.replace(original, _forged(original) + original), caplog)


def test_signature_wrapping_the_signed_assertion_hidden_in_the_forged_one_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url)
    original = ASSERTION.search(xml).group(0)
    forged = _forged(original)
    # The signed assertion moved into the forged one's Advice (XSW), its reference still found by ID.
    wrapped = forged.replace("</ns1:Assertion>", f"<ns1:Advice>{original}</ns1:Advice></ns1:Assertion>")
    assert "Signature missing for assertion" in refused(sp, xml.replace(original, wrapped), caplog)


def test_signature_wrapping_the_signed_assertion_in_the_response_extensions_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url)
    original = ASSERTION.search(xml).group(0)
    moved = xml.replace(original, _forged(original)).replace(
        "<ns0:Status>", f"<ns0:Extensions>{original}</ns0:Extensions><ns0:Status>")
    assert "Signature missing for assertion" in refused(sp, moved, caplog)


def test_an_assertion_for_another_audience_is_refused(sp, idp, caplog):
    xml = idp.response_xml(OTHER_SP.entity_id, OTHER_SP.acs_url)
    assert f"<ns1:Audience>{OTHER_SP.entity_id}</ns1:Audience>" in xml
    assert "AudienceRestrictions conditions not satisfied" in refused(sp, xml, caplog)


def test_a_response_for_another_destination_is_refused(sp, idp, caplog):
    xml = idp.response_xml(SP.entity_id, SP.acs_url, destination="https://elsewhere.test/acs")
    assert "is not our ACS" in refused(sp, xml, caplog)


def test_an_expired_assertion_is_refused(sp, idp, caplog, monkeypatch):
    xml = idp.response_xml(SP.entity_id, SP.acs_url)
    later = saml2.time_util.utc_now() + 6 * 60 + SP.clock_skew_seconds  # lifetime 5 min, then the skew
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: later)
    assert "too old" in refused(sp, xml, caplog)


def test_an_assertion_not_yet_valid_is_refused(sp, idp, caplog, monkeypatch):
    earlier = saml2.time_util.utc_now() - 10 * 60
    xml = idp.response_xml(SP.entity_id, SP.acs_url)
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: earlier)
    assert "Can't use response yet" in refused(sp, xml, caplog)


@pytest.mark.parametrize("garbage", ["", "not base64 at all", encoded("<not-saml/>"), encoded("<a>" * 10_000)])
def test_garbage_is_refused(sp, garbage, caplog):
    with pytest.raises(InvalidSamlResponse):
        sp.verify(garbage)


def test_a_teacher_is_refused(sp, idp):
    teacher = {**PUPIL, "PRO": ["National_ens"]}
    with pytest.raises(GarProfileNotAllowed):
        sp.verify(encoded(idp.response_xml(SP.entity_id, SP.acs_url, teacher)))


def test_an_assertion_without_an_ido_is_refused(sp, idp):
    nameless = {name: values for name, values in PUPIL.items() if name != "IDO"}
    with pytest.raises(IncompleteAssertion):
        sp.verify(encoded(idp.response_xml(SP.entity_id, SP.acs_url, nameless)))


def test_the_metadata_names_our_entity_and_acs():
    metadata = SamlServiceProvider(SP).metadata()
    assert f'entityID="{SP.entity_id}"' in metadata
    assert f'Location="{SP.acs_url}"' in metadata and "HTTP-POST" in metadata
    assert 'WantAssertionsSigned="true"' in metadata
