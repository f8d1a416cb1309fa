"""Signing in through the GAR with the real IdP (SimpleSAMLphp, tools/saml_idp.py): its sign-in page is driven
with requests as a browser would, and the signed answer it gives is posted to identity's ACS. Every refusal
leaves the database as it was."""

import html
import re
import uuid
from dataclasses import replace
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
import saml2.time_util
from sqlalchemy import select, text

from identity.adapters.orm import outbox, users
from identity.adapters.saml import SamlServiceProvider
from identity.entrypoints.api.app import create_app
from msgkit import Envelope

PASSWORD = "Demo-Pass-2026!"  # the demo GAR's people (tools/idp/config/authsources.php)
LOU_IDO = "e3b2c6f0a1d94e7c8b5a2f61d0c4a9e1"
_INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def _form(page: requests.Response) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]*)"', page.text)
    assert action, page.text[:2000]
    return (urljoin(page.url, html.unescape(action.group(1))),
            {name: html.unescape(value) for name, value in _INPUT.findall(page.text)})


def idp_answer(login_url: str, username: str) -> tuple[str, dict[str, str]]:
    """A person signs in on the IdP's page (a browser of their own): where the IdP posts its answer, and what."""
    browser = requests.Session()
    page = browser.get(login_url, timeout=10)
    assert page.status_code == 200 and 'name="username"' in page.text, page.text[:2000]
    action, fields = _form(page)
    answer = browser.post(action, data={**fields, "username": username, "password": PASSWORD}, timeout=10)
    assert answer.status_code == 200 and "SAMLResponse" in answer.text, answer.text[:2000]
    return _form(answer)


def gar_answer(client, username: str, relay: str = "/campagnes/SCOABC123") -> dict[str, str]:
    started = client.get(f"/api/saml/login?relay={relay}")
    assert started.status_code == 302
    acs, fields = idp_answer(started.headers["Location"], username)
    assert acs == "https://skills.example.test/api/saml/acs" and fields["RelayState"] == relay
    return fields


def arrive(client, fields: dict[str, str], **headers):
    return client.post("/api/saml/acs", data=fields, headers=headers)


def outcome(answer) -> dict[str, str]:
    assert answer.status_code == 303, answer.get_data(as_text=True)
    location = urlsplit(answer.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "skills.example.test", "/connexion/gar")
    return {name: values[0] for name, values in parse_qs(location.fragment).items()}


def counts(identity) -> dict[str, int]:
    with identity.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
                for table in ("users", "gar_links", "used_saml_assertions", "refresh_tokens")}


@pytest.fixture
def account(client):
    email = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    answer = client.post("/api/users", json={"first_name": "Lou", "last_name": "Apprenant", "email": email,
                                             "password": "Sup3r-Secret!", "accepted_terms": True})
    assert answer.status_code == 201
    return {"email": email, "password": "Sup3r-Secret!", "id": answer.get_json()["id"]}


@pytest.fixture(autouse=True)
def forget_links(identity):
    """The demo GAR's people are the same in every test: each test starts with none of them linked."""
    with identity.engine.begin() as connection:
        connection.execute(text("DELETE FROM gar_links"))


def test_the_metadata_is_published(client):
    answer = client.get("/api/saml/metadata")
    assert answer.status_code == 200 and answer.mimetype == "application/samlmetadata+xml"
    body = answer.get_data(as_text=True)
    assert 'entityID="https://skills.example.test/api/saml/metadata"' in body
    assert 'Location="https://skills.example.test/api/saml/acs"' in body


def test_a_pupil_not_linked_yet_arrives_with_an_arrival_token_then_links_their_account(client, identity, account):
    before = counts(identity)
    arrived = outcome(arrive(client, gar_answer(client, "lou.apprenant")))
    assert arrived["first_name"] == "Lou" and arrived["last_name"] == "Apprenant"
    assert arrived["target"] == "/campagnes/SCOABC123" and "access_token" not in arrived
    assert counts(identity) == {**before, "used_saml_assertions": before["used_saml_assertions"] + 1}

    linked = client.post("/api/saml/links", json={"arrival_token": arrived["arrival_token"],
                                                  "email": account["email"], "password": account["password"]})
    assert linked.status_code == 200, linked.get_json()
    assert linked.get_json()["user_id"] == account["id"]
    with identity.engine.connect() as connection:
        assert connection.execute(text("SELECT user_id::text, uai FROM gar_links WHERE ido = :ido"),
                                  {"ido": LOU_IDO}).one() == (account["id"], "0751234A")

    # The next day: straight in, the same tokens as a log-in, to where she was going.
    again = outcome(arrive(client, gar_answer(client, "lou.apprenant", relay="/campagnes/SCOXYZ789")))
    assert again["user_id"] == account["id"] and again["target"] == "/campagnes/SCOXYZ789"
    claims = jwt.decode(again["access_token"], options={"verify_signature": False})
    assert claims["sub"] == account["id"]
    refreshed = client.post("/api/token/refresh", json={"refresh_token": again["refresh_token"]})
    assert refreshed.status_code == 200


def test_a_replayed_answer_is_refused(client, identity):
    fields = gar_answer(client, "chloe.coeurderoy")
    outcome(arrive(client, fields))
    before = counts(identity)
    replayed = arrive(client, fields)
    assert replayed.status_code == 409 and replayed.get_json()["error"]["code"] == "SAML_ASSERTION_REPLAYED"
    page = arrive(client, fields, Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 409 and page.mimetype == "text/html"
    assert "déjà servi" in page.get_data(as_text=True) and "SAML_ASSERTION_REPLAYED" in page.get_data(as_text=True)
    assert counts(identity) == before


def test_an_expired_answer_is_refused(client, identity, monkeypatch, caplog):
    fields = gar_answer(client, "francois.lefevre")
    before = counts(identity)
    later = saml2.time_util.utc_now() + 10 * 60  # SimpleSAMLphp's assertions live 5 minutes
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: later)
    with caplog.at_level("INFO", logger="identity.adapters.saml"):
        refused = arrive(client, fields)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "SAML_RESPONSE_INVALID"
    assert "too old" in caplog.text  # refused for that reason: the lifetime SimpleSAMLphp gave it
    assert counts(identity) == before


def test_an_answer_past_its_end_by_identitys_clock_is_refused(client, identity, clock):
    fields = gar_answer(client, "francois.lefevre")
    before = counts(identity)
    clock.advance(minutes=10)
    late = create_app(replace(identity, now=clock)).test_client()
    refused = arrive(late, fields)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "SAML_ASSERTION_EXPIRED"
    assert counts(identity) == before


def test_an_answer_for_another_service_provider_is_refused(client, identity, settings, caplog):
    other = SamlServiceProvider(replace(settings.saml, entity_id="https://another-resource.example.test/saml/metadata"))
    _acs, fields = idp_answer(other.login_url("/"), "zoe.ozturk")  # the GAR signs Zoë in to another resource
    before = counts(identity)
    with caplog.at_level("INFO", logger="identity.adapters.saml"):
        refused = arrive(client, fields)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "SAML_RESPONSE_INVALID"
    assert "AudienceRestrictions conditions not satisfied" in caplog.text
    assert counts(identity) == before


def test_a_teacher_is_refused_with_a_clear_page(client, identity):
    fields = gar_answer(client, "prof.martin")
    before = counts(identity)
    refused = arrive(client, fields)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "GAR_PROFILE_NOT_ALLOWED"
    page = arrive(client, gar_answer(client, "prof.martin"), Accept="text/html")
    assert page.status_code == 403 and "Seuls les élèves" in page.get_data(as_text=True)
    assert counts(identity) == before


def test_a_tampered_answer_is_refused(client, identity):
    fields = gar_answer(client, "zoe.ozturk")
    before = counts(identity)
    refused = arrive(client, {**fields, "SAMLResponse": fields["SAMLResponse"][:-40] + "A" * 40})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "SAML_RESPONSE_INVALID"
    assert counts(identity) == before


def test_the_relay_stays_on_the_learners_face(client):
    assert client.get("/api/saml/login?relay=//evil.example.org/").status_code == 400
    assert client.get("/api/saml/login?relay=https://evil.example.org/").status_code == 400
    fields = gar_answer(client, "zoe.ozturk")
    assert outcome(arrive(client, {**fields, "RelayState": "//evil.example.org/x"}))["target"] == "/"


def test_linking_conflicts_have_their_codes_and_create_nothing(client, identity, account):
    arrival = outcome(arrive(client, gar_answer(client, "lou.apprenant")))["arrival_token"]
    link = lambda token, who: client.post("/api/saml/links", json={  # noqa: E731
        "arrival_token": token, "email": who["email"], "password": who["password"]})
    before = counts(identity)
    wrong = link(arrival, {**account, "password": "Not-Her-Password1"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "INVALID_CREDENTIALS"
    forged = link(arrival[:-4] + "AAAA", account)
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "GAR_ARRIVAL_INVALID"
    assert counts(identity)["gar_links"] == before["gar_links"]
    assert link(arrival, account).status_code == 200
    assert link(arrival, account).status_code == 200  # the same two again: only signs in

    other_email = f"other.{uuid.uuid4().hex[:8]}@example.org"
    client.post("/api/users", json={"first_name": "Eve", "last_name": "Other", "email": other_email,
                                    "password": "Sup3r-Secret!", "accepted_terms": True})
    taken = link(arrival, {"email": other_email, "password": "Sup3r-Secret!"})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "GAR_ALREADY_LINKED"
    chloe = outcome(arrive(client, gar_answer(client, "chloe.coeurderoy")))["arrival_token"]
    twice = link(chloe, account)
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "ACCOUNT_ALREADY_LINKED_TO_GAR"
    with identity.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM gar_links")).scalar_one() == 1


def test_an_arrival_token_expires(client, identity, clock, account):
    arrival = outcome(arrive(client, gar_answer(client, "lou.apprenant")))["arrival_token"]
    clock.advance(minutes=11)
    late = create_app(replace(identity, now=clock)).test_client()
    answer = late.post("/api/saml/links", json={"arrival_token": arrival, "email": account["email"],
                                                "password": account["password"]})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "GAR_ARRIVAL_INVALID"


# -- an account of the pupil's own, whose sign-in method is the GAR (domain/gar.py, rule 5) --------------


def me(client, access_token):
    return client.get("/api/users/me", headers={"Authorization": f"Bearer {access_token}"}).get_json()


def test_a_pupil_creates_a_gar_account_then_signs_in_straight_at_the_next_arrival(client, identity):
    arrived = outcome(arrive(client, gar_answer(client, "zoe.ozturk")))
    created = client.post("/api/saml/accounts", json={"arrival_token": arrived["arrival_token"],
                                                      "accepted_terms": True})
    assert created.status_code == 201, created.get_json()
    assert created.headers["Cache-Control"] == "no-store"
    user_id = created.get_json()["user_id"]
    account = me(client, created.get_json()["access_token"])
    assert (account["first_name"], account["last_name"], account["email"], account["username"]) == (
        "Zoë", "Öztürk", None, None)
    assert account["sign_in_methods"] == ["GAR"]
    with identity.engine.connect() as connection:
        row = connection.execute(select(users.c.email, users.c.password_hash).where(users.c.id == user_id)).one()
        registered, linked = [Envelope.from_json(body) for body in connection.execute(
            select(outbox.c.body).where(outbox.c.aggregate_id == user_id).order_by(outbox.c.id)).scalars()]
    assert tuple(row) == (None, None)
    assert registered.payload | {"user_id": None, "registered_at": None} == {
        "user_id": None, "email": None, "username": None, "first_name": "Zoë", "last_name": "Öztürk", "locale": "fr",
        "registered_at": None}
    # How the account signs in, for the school (organizations): the GAR, from the demo school.
    assert (linked.event_type, linked.aggregate_version, linked.payload["uai"]) == (
        "identity.user.gar_linked.v1", 2, "0751234A")

    again = outcome(arrive(client, gar_answer(client, "zoe.ozturk", relay="/campagnes/SCOXYZ789")))
    assert again["user_id"] == user_id and again["target"] == "/campagnes/SCOXYZ789"

    before = counts(identity)
    twice = client.post("/api/saml/accounts", json={"arrival_token": arrived["arrival_token"],
                                                    "accepted_terms": True})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "GAR_ALREADY_LINKED"
    assert counts(identity) == before


def test_a_gar_account_is_refused_with_an_altered_token_or_without_the_terms(client, identity):
    arrived = outcome(arrive(client, gar_answer(client, "francois.lefevre")))
    before = counts(identity)
    altered = client.post("/api/saml/accounts", json={"arrival_token": arrived["arrival_token"][:-3] + "AAA",
                                                      "accepted_terms": True})
    assert altered.status_code == 400 and altered.get_json()["error"]["code"] == "GAR_ARRIVAL_INVALID"
    no_terms = client.post("/api/saml/accounts", json={"arrival_token": arrived["arrival_token"],
                                                       "accepted_terms": False})
    assert no_terms.status_code == 422 and no_terms.get_json()["error"]["code"] == "TERMS_NOT_ACCEPTED"
    assert counts(identity) == before


def test_a_username_account_links_the_gar_with_its_username(client, identity):
    created = client.post("/api/users", json={
        "username_from": {"first_name": "Chloé", "last_name": f"Cœurderoy {uuid.uuid4().hex[:6]}",
                          "birthdate": "2012-02-14"}, "password": "Sup3r-Secret!", "accepted_terms": True})
    username = created.get_json()["username"]
    arrived = outcome(arrive(client, gar_answer(client, "chloe.coeurderoy")))
    linked = client.post("/api/saml/links", json={"arrival_token": arrived["arrival_token"], "username": username,
                                                  "password": "Sup3r-Secret!"})
    assert linked.status_code == 200, linked.get_json()
    assert me(client, linked.get_json()["access_token"])["sign_in_methods"] == ["USERNAME", "GAR"]
