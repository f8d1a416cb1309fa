"""identity as a SAML 2.0 service provider of the GAR, with pysaml2 (and xmlsec1, Debian's, for signatures).

pysaml2 checks the response: the signature of the assertion (``want_assertions_signed``: an unsigned assertion
is refused even inside a signed response, and the assertion read is the one whose signature was checked, not a
copy placed beside it), the issuer (known by the IdP's metadata), the validity window of the conditions and of
the subject's confirmation, the recipient of the confirmation, and the audience when the conditions name one.
This adapter then asks what pysaml2 lets pass when it is absent: a ``Destination`` that is our ACS, conditions
with an end and an audience restriction that names us, a bearer confirmation. Replays are the service layer's
(domain/gar.py, rule 2). Responses may come unsolicited (the GAR starts most sign-ins itself, from the ENT).

The IdP's metadata is read at the first sign-in (``SAML_IDP_METADATA_URL``, or ``SAML_IDP_METADATA_FILE``) and
kept by the process; identity does not sign its requests and asks for no encrypted assertion.
"""

from __future__ import annotations

import functools
import logging
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_TRANSIENT, SCM_BEARER
from saml2.sigver import CryptoBackendXmlSec1
from saml2.time_util import str_to_time
from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1

from identity.domain.exceptions import InvalidSamlResponse, SamlUnavailable
from identity.domain.gar import GarIdentity, VerifiedAssertion

log = logging.getLogger(__name__)
XMLSEC = "/usr/bin/xmlsec1"  # Debian's xmlsec1 (tools/install.sh installs it)
_REFUSED = "The GAR's answer cannot be accepted; sign in again from the ENT."


class _XmlSec1(CryptoBackendXmlSec1):
    """pysaml2 runs ``xmlsec1 --version`` twice for each signature it checks (two processes beside the one that
    checks): asked once per process here. That halved a sign-in's cost (bench/saml_signin.py)."""

    @functools.cached_property
    def version(self) -> str:
        return CryptoBackendXmlSec1.version.fget(self)


@dataclass(frozen=True)
class SamlSettings:
    entity_id: str  # ours, the audience the GAR's assertions must name
    acs_url: str  # where the browser posts the GAR's answer (through the gateway)
    idp_metadata_url: str = ""
    idp_metadata_file: str = ""
    clock_skew_seconds: int = 60  # accepted between the IdP's clock and ours

    @property
    def configured(self) -> bool:
        return bool(self.idp_metadata_url or self.idp_metadata_file)


def _read_url(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - the configured IdP's metadata
        return answer.read().decode("utf-8")


class SamlServiceProvider:
    def __init__(self, settings: SamlSettings, read_url: Callable[[str], str] = _read_url) -> None:
        self.settings, self._read_url = settings, read_url
        self._client: Saml2Client | None = None
        self._lock = threading.Lock()

    def _config(self, idp_metadata: str | None) -> SPConfig:
        config = SPConfig()
        config.load({
            "entityid": self.settings.entity_id,
            "xmlsec_binary": XMLSEC,
            "accepted_time_diff": self.settings.clock_skew_seconds,
            "allow_unknown_attributes": True,
            "service": {"sp": {
                "endpoints": {"assertion_consumer_service": [(self.settings.acs_url, BINDING_HTTP_POST)]},
                "want_assertions_signed": True,
                "want_response_signed": False,  # the assertion's signature is what counts (and is required)
                "allow_unsolicited": True,
                "authn_requests_signed": False,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            }},
            "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
        })
        return config

    def metadata(self) -> str:
        """Our metadata (entity id, ACS), for the GAR."""
        return str(entity_descriptor(self._config(None)))

    def client(self) -> Saml2Client:
        with self._lock:
            if self._client is None:
                if not self.settings.configured:
                    raise SamlUnavailable("Sign-in through the GAR is not set up here.")
                try:
                    if self.settings.idp_metadata_file:
                        metadata = Path(self.settings.idp_metadata_file).read_text(encoding="utf-8")
                    else:
                        metadata = self._read_url(self.settings.idp_metadata_url)
                    client = Saml2Client(config=self._config(metadata))
                    client.sec.crypto = _XmlSec1(XMLSEC)
                    self._client = client
                except (OSError, ValueError) as error:  # kept for the next sign-in to try again
                    log.warning("the IdP's metadata cannot be read: %s", error)
                    raise SamlUnavailable("The GAR cannot be reached now; try again in a moment.") from error
            return self._client

    def idp_entity_id(self) -> str:
        (entity_id,) = self.client().metadata.identity_providers()
        return entity_id

    def login_url(self, relay_state: str) -> str:
        """Where to send the browser: the IdP's sign-in, with an AuthnRequest for us (HTTP-Redirect)."""
        _request_id, info = self.client().prepare_for_authenticate(
            entityid=self.idp_entity_id(), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT)
        return dict(info["headers"])["Location"]

    def verify(self, saml_response: str) -> VerifiedAssertion:
        """The assertion of a base64 ``SAMLResponse`` posted to the ACS, every check passed; else
        InvalidSamlResponse (the reason goes to the log, not to the browser)."""
        client = self.client()
        try:
            response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST)
            if response is None:
                raise ValueError("no response")
            assertion = response.assertion
            self._check_what_pysaml2_lets_pass(response, assertion)
            attributes = response.ava
        except Exception as error:  # noqa: BLE001 - pysaml2 raises many kinds; each one is a refusal
            log.info("SAML response refused: %s: %s", type(error).__name__, error)
            raise InvalidSamlResponse(_REFUSED) from error
        return VerifiedAssertion(assertion_id=assertion.id, not_on_or_after=_instant(
            assertion.conditions.not_on_or_after), identity=GarIdentity.from_attributes(attributes))

    def _check_what_pysaml2_lets_pass(self, response, assertion) -> None:
        if response.response.destination != self.settings.acs_url:
            raise ValueError(f"destination {response.response.destination!r} is not our ACS")
        if assertion is None or not assertion.id or assertion.signature is None:
            raise ValueError("no signed assertion")
        signed = assertion.signature.signed_info
        digests = {reference.digest_method.algorithm for reference in signed.reference if reference.digest_method}
        if signed.signature_method.algorithm == SIG_RSA_SHA1 or DIGEST_SHA1 in digests or not digests:
            raise ValueError("the assertion is signed with SHA-1")  # collisions are within reach: SHA-256 or better
        conditions = assertion.conditions
        if conditions is None or not conditions.not_on_or_after:
            raise ValueError("the assertion's conditions have no end")
        audiences = {audience.text.strip() for restriction in conditions.audience_restriction
                     for audience in restriction.audience if audience.text}
        if self.settings.entity_id not in audiences:
            raise ValueError(f"audience {sorted(audiences)} does not name us")
        confirmations = assertion.subject.subject_confirmation if assertion.subject else []
        if not any(c.method == SCM_BEARER and c.subject_confirmation_data is not None
                   and c.subject_confirmation_data.recipient == self.settings.acs_url for c in confirmations):
            raise ValueError("no bearer confirmation for our ACS")


def _instant(text: str) -> datetime:
    return datetime(*str_to_time(text)[:6], tzinfo=timezone.utc)
