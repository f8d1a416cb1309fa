"""The CSV export through the API, parsed back as a spreadsheet would read it."""

from __future__ import annotations

import csv
import dataclasses
import io
import time

from reporting_it import (
    account,
    campaign,
    complete,
    grant,
    learner,
    organization,
    person,
    results,
    share,
    start,
)

from reporting.bootstrap import bootstrap
from reporting.config import Settings
from reporting.entrypoints.api.app import create_app
from reporting.views import export
from svckit.auth import TokenVerifier
from svckit.testing import TestKeys

FIRST_COLUMNS = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Parcours",
                 "Nom du Participant", "Prénom du Participant"]


def read_csv(response) -> tuple[str, list[list[str]]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    assert "\r" not in text.replace('"\r', "")  # line ends are \n (a quoted value may hold a \r)
    return text, list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_an_assessment_export_has_a_line_per_participant_and_results_only_once_shared(client, runtime, school):
    campaign_id = campaign(runtime, school.id, name="Diagnostic 4e/B", external_id_label="Numéro INE")
    sent = account(runtime, "Lou", "Apprenant")
    learner(runtime, school.id, "Lou", "Apprenant", user_id=sent, division="4B")
    sent_participation = start(runtime, campaign_id, school.id, sent, external_id="=cmd|' /C calc'!A0")
    complete(runtime, sent_participation, campaign_id)
    share(runtime, sent_participation, campaign_id, school.id, sent,
          results({"1.1": (2, 3), "1.2": (0, 1), "2.1": (1, 1)}))
    waiting = account(runtime, '=HYPERLINK("http://evil")', 'Dupont "JJ"')
    start(runtime, campaign_id, school.id, waiting)

    response = client.get(f"/api/campaigns/{campaign_id}/export.csv", headers=school.teacher.auth)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert f"Diagnostic 4eB-{campaign_id}-" in disposition and disposition.startswith("attachment;")
    assert "filename*=UTF-8''Resultats-Diagnostic%204eB-" in disposition
    text, rows = read_csv(response)
    header, first, second = rows
    assert header[:len(FIRST_COLUMNS)] == FIRST_COLUMNS
    assert header[7:15] == ["Classe", "Numéro INE", "% de progression", "Date de début", "Partage (O/N)",
                            "Date du partage", "% maitrise de l'ensemble des acquis du profil",
                            "% de maitrise des acquis de la compétence Mener une recherche et une veille "
                            "d'information"]
    assert header[-3:] == ["% de maitrise des acquis du domaine Communication et collaboration",
                           "Nombre d'acquis du profil cible du domaine Communication et collaboration",
                           "Acquis maitrisés du domaine Communication et collaboration"]
    assert len(header) == 14 + 3 * 3 + 3 * 2
    # in name order: Apprenant, then Dupont
    assert first[:9] == ["Collège Victor Hugo", campaign_id, "QTRZPK472", "Diagnostic 4e/B", "Diagnostic initial",
                         "Apprenant", "Lou", "4B", "'=cmd|' /C calc'!A0"]
    assert first[9:14] == ["1", "2026-11-20", "Oui", "2026-11-20", "0,6"]
    assert first[14:17] == ["0,67", "3", "2"]  # competence 1.1: 2 of 3
    assert first[-6:] == ["0,5", "4", "2", "1", "1", "1"]  # area 1: 2 of 4; area 2: 1 of 1
    assert second[5:7] == ['Dupont "JJ"', "'=HYPERLINK(\"http://evil\")"]
    assert second[7] == ""  # an account without a learner has no class
    assert second[9:14] == ["0", "2026-11-20", "Non", "NA", "NA"]
    assert set(second[14:]) == {"NA"}
    assert '"Dupont ""JJ"""' in text  # strings quoted, inner quotes doubled


def test_a_profiles_collection_export_has_pix_and_levels_per_competence(client, runtime):
    university = organization(runtime, type="SUP", name="Université de Lille")
    teacher = person("prof")
    grant(runtime, university, teacher)
    campaign_id = campaign(runtime, university, type="PROFILES_COLLECTION", name="Profils L1")
    student = account(runtime, "Sacha", "Étudiant")
    learner(runtime, university, "Sacha", "Étudiant", user_id=student, group="L1 Info", student_number="42")
    participation_id = start(runtime, campaign_id, university, student, type="PROFILES_COLLECTION")
    share(runtime, participation_id, campaign_id, university, student, results(
        {}, pix={"1.1": (16, 2), "1.2": (8, 1), "2.1": (0, 0)}), type="PROFILES_COLLECTION")

    response = client.get(f"/api/campaigns/{campaign_id}/export.csv", headers=teacher.auth)

    assert response.status_code == 200
    _text, (header, row) = read_csv(response)
    assert header == ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Nom du Participant",
                      "Prénom du Participant", "Groupe", "Numéro Étudiant", "Envoi (O/N)", "Date de l'envoi",
                      "Nombre de pix total", "Certifiable (O/N)", "Nombre de compétences certifiables",
                      "Niveau pour la compétence Mener une recherche et une veille d'information",
                      "Nombre de pix pour la compétence Mener une recherche et une veille d'information",
                      "Niveau pour la compétence Gérer des données", "Nombre de pix pour la compétence Gérer des données",
                      "Niveau pour la compétence Interagir", "Nombre de pix pour la compétence Interagir"]
    assert row[4:] == ["Étudiant", "Sacha", "L1 Info", "42", "Oui", "2026-11-20", "24", "Non", "2", "2", "16", "1",
                       "8", "0", "0"]


def test_the_headers_follow_the_readers_language(client, runtime, school):
    campaign_id = campaign(runtime, school.id)
    start(runtime, campaign_id, school.id, account(runtime, "Lou", "Apprenant"))

    english = client.get(f"/api/campaigns/{campaign_id}/export.csv?locale=en", headers=school.teacher.auth)
    by_header = client.get(f"/api/campaigns/{campaign_id}/export.csv",
                           headers={**school.teacher.auth, "Accept-Language": "en-GB,en;q=0.8"})

    assert read_csv(english)[1][0][:2] == read_csv(by_header)[1][0][:2] == ["Organization name", "Campaign ID"]
    assert any("Conducting a search" in column for column in read_csv(english)[1][0])


def test_an_export_with_nobody_yet_is_its_header_alone(client, runtime, school):
    campaign_id = campaign(runtime, school.id)
    response = client.get(f"/api/campaigns/{campaign_id}/export.csv", headers=school.teacher.auth)
    assert len(read_csv(response)[1]) == 1


def test_only_members_export_and_an_unknown_campaign_is_not_found(client, runtime, school):
    campaign_id = campaign(runtime, school.id)
    stranger = person("curieux")

    refused = client.get(f"/api/campaigns/{campaign_id}/export.csv", headers=stranger.auth)
    unknown = client.get("/api/campaigns/00000000-0000-4000-8000-000000000000/export.csv",
                         headers=school.teacher.auth)
    bad_locale = client.get(f"/api/campaigns/{campaign_id}/export.csv?locale=de", headers=school.teacher.auth)

    assert (refused.status_code, refused.json["error"]["code"]) == (403, "NOT_A_MEMBER")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")
    assert bad_locale.status_code == 400
    assert client.get(f"/api/campaigns/{campaign_id}/export.csv").status_code == 401


def test_an_export_whose_reader_pauses_longer_than_the_apis_idle_bound_completes(runtime, reporting_database,
                                                                                  amqp_url, monkeypatch):
    """The rows come from a server-side cursor in an open transaction, idle while the reader is not reading:
    the export sets its own idle bound, far above the api's (30 s; 0.3 s here). The read models are built by the
    test's usual runtime: a consumer's transaction under a 0.3 s bound would fail whenever the machine stalls."""
    school = organization(runtime)
    teacher = person("prof")
    grant(runtime, school, teacher)
    campaign_id = campaign(runtime, school, name="Lente")
    for n in range(3):
        start(runtime, campaign_id, school, account(runtime, f"Élève{n}", "Lent"))
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": reporting_database, "RABBITMQ_URL": amqp_url,
                                  "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": "300"})
    runtime = dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                              "skills-platform"))
    try:
        monkeypatch.setattr(export, "FETCH_ROWS", 1)  # a fetch per line...
        monkeypatch.setattr(export, "CHUNK_CHARACTERS", 1)  # ...and a chunk per line: the reader pauses between fetches

        response = create_app(runtime).test_client().get(f"/api/campaigns/{campaign_id}/export.csv",
                                                          headers=teacher.auth)
        assert response.status_code == 200
        chunks = []
        for chunk in response.response:
            chunks.append(chunk)
            time.sleep(0.6)  # a reader slower than the api's idle bound
        assert len(chunks) == 4  # the header and three participants
        _header, *lines = csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig")), delimiter=";")
        assert [line[6] for line in lines] == ["Élève0", "Élève1", "Élève2"]
    finally:
        runtime.engine.dispose()
