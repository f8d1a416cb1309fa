"""For identity's unit tests only: a SAML identity provider made with pysaml2's ``Server``, that signs with a
throw-away key, so that the SP's checks can be tried against answers built (and then tampered with) in the test.
The integration tests use the real IdP instead (tools/saml_idp.py: SimpleSAMLphp)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

from identity.adapters.saml import XMLSEC

IDP_ENTITY_ID = "https://gar.test/idp/metadata"
PUPIL = {"IDO": ["e3b2c6f0a1d94e7c8b5a2f61d0c4a9e1"], "PRE": ["Lou"], "NOM": ["Apprenant"], "UAI": ["0751234A"],
         "PRO": ["National_elv"]}


def make_key_pair(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test GAR")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class TestIdentityProvider:
    __test__ = False  # not a test class

    def __init__(self, folder: Path, sp_metadata: str, entity_id: str = IDP_ENTITY_ID) -> None:
        key_file, cert_file = make_key_pair(folder)
        config = IdPConfig()
        config.load({
            "entityid": entity_id,
            "xmlsec_binary": XMLSEC,
            "key_file": str(key_file),
            "cert_file": str(cert_file),
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(f"{entity_id}/sso", BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form":
                                       "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}},
            }},
            "metadata": {"inline": [sp_metadata]},
        })
        self.server = Server(config=config)
        self.metadata = str(entity_descriptor(config))

    def response_xml(self, sp_entity_id: str, acs_url: str, attributes: dict | None = None, *,
                     sign_assertion: bool = True, sign_response: bool = False, destination: str | None = None,
                     sha1: bool = False) -> str:
        response = self.server.create_authn_response(
            identity=attributes or PUPIL, in_response_to=None, destination=destination or acs_url,
            sp_entity_id=sp_entity_id, name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text="transient-1"),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=sign_assertion, sign_response=sign_response, binding=BINDING_HTTP_POST,
            sign_alg=SIG_RSA_SHA1 if sha1 else SIG_RSA_SHA256, digest_alg=DIGEST_SHA1 if sha1 else DIGEST_SHA256)
        return str(response)


def encoded(xml: str) -> str:
    """The form value of the HTTP-POST binding."""
    return base64.b64encode(xml.encode("utf-8")).decode()
