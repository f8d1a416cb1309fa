import csv
import io
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from reporting.domain.export import (
    ASSESSMENT,
    NA,
    PROFILES_COLLECTION,
    Area,
    Competence,
    ExportLayout,
    encode_line,
    file_name,
    header,
    line_writer,
    lines,
    row,
)

CAMPAIGN_ID = UUID("6f1c2a4e-0000-4000-8000-000000000001")
STARTED = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
SHARED = datetime(2024, 3, 12, 15, 0, tzinfo=UTC)
COMPETENCES = [Competence("1.1", "Mener une recherche", "1"), Competence("1.2", "Gérer des données", "1"),
               Competence("2.1", "Interagir", "2")]
AREAS = [Area("1", "Information et données"), Area("2", "Communication et collaboration")]
SCHOOL = {"organization_name": "Collège Jean Moulin", "organization_type": "SCO", "organization_manages_students": True}
UNIVERSITY = {"organization_name": "Université de Lille", "organization_type": "SUP",
              "organization_manages_students": True}
COMPANY = {"organization_name": "Acme", "organization_type": "PRO", "organization_manages_students": False}


def assessment_layout(organization=SCHOOL, **changes) -> ExportLayout:
    layout = ExportLayout(**organization, campaign_id=CAMPAIGN_ID, campaign_code="ABCDEF123",
                          campaign_name="Rentrée 2024", campaign_type=ASSESSMENT,
                          target_profile_name="Parcours 3e", competences=COMPETENCES, areas=AREAS)
    return replace(layout, **changes)


def profiles_layout(organization=SCHOOL, **changes) -> ExportLayout:
    layout = ExportLayout(**organization, campaign_id=CAMPAIGN_ID, campaign_code="PROFIL123",
                          campaign_name="Profils 2024", campaign_type=PROFILES_COLLECTION,
                          competences=COMPETENCES)
    return replace(layout, **changes)


def participation(**changes) -> dict:
    return {"last_name": "Dupont", "first_name": "Jeanne", "division": "3eA", "group_name": "L1 Info",
            "student_number": "2024-17", "participant_external_id": "ext-42", "progress_rate": 0.5,
            "started_at": STARTED, "shared_at": None, "mastery_rate": None, "competences": [], "profile": None,
            **changes}


def shared_assessment(**changes) -> dict:
    results = [
        {"competence_code": "1.1", "area_code": "1", "target_skills_count": 4, "validated_skills_count": 3,
         "mastery_rate": 0.75},
        {"competence_code": "1.2", "area_code": "1", "target_skills_count": 6, "validated_skills_count": 1,
         "mastery_rate": Decimal("0.1667")},
        {"competence_code": "2.1", "area_code": "2", "target_skills_count": 5, "validated_skills_count": 3,
         "mastery_rate": 0.6},
    ]
    return participation(**{"shared_at": SHARED, "progress_rate": 1, "mastery_rate": Decimal("0.4667"),
                            "competences": results, **changes})


def sent_profile(levels: dict[str, int], **changes) -> dict:
    scores = [{"competence_code": code, "level": level, "pix": level * 8 + 2} for code, level in levels.items()]
    return participation(shared_at=SHARED, profile={"total_pix": sum(s["pix"] for s in scores), "competences": scores},
                         **changes)


def export(layout: ExportLayout, *participations: dict) -> str:
    return "".join(lines(layout, participations))


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def cells_of(layout: ExportLayout, one: dict) -> dict[str, str]:
    head, values = parse(export(layout, one))
    return dict(zip(head, values, strict=True))


# --- the file's form -------------------------------------------------------------------------


def test_the_file_starts_with_a_bom_before_the_header_and_has_no_other():
    text = export(assessment_layout(), participation(), shared_assessment())
    assert text.startswith("\ufeff\"Nom de l'organisation\";")
    assert text.count("\ufeff") == 1


def test_cells_are_separated_by_semicolons_and_lines_end_with_a_bare_newline():
    text = export(assessment_layout(), participation(), shared_assessment())
    assert "\r" not in text
    assert text.endswith("\n")
    assert text.count("\n") == 3
    assert all(len(parsed) == len(header(assessment_layout())) for parsed in parse(text))


def test_the_file_is_produced_one_participation_at_a_time():
    consumed = []

    def participations():
        for name in ("Un", "Deux", "Trois"):
            consumed.append(name)
            yield participation(last_name=name)

    produced = lines(assessment_layout(), participations())
    next(produced), next(produced)
    assert consumed == ["Un"]


def test_text_is_quoted_while_numbers_dates_na_and_empty_cells_are_not():
    line = encode_line(["Dupont", 3, Decimal("0.75"), date(2024, 3, 5), NA, None, ""])
    assert line == '"Dupont";3;0,75;2024-03-05;NA;;\n'


def test_a_quote_inside_a_name_is_doubled():
    text = export(assessment_layout(), participation(first_name='Jean "JJ" Dupont'))
    assert '"Jean ""JJ"" Dupont"' in text
    assert cells_of(assessment_layout(), participation(first_name='Jean "JJ" Dupont'))["Prénom du Participant"] \
        == 'Jean "JJ" Dupont'


def test_decimals_are_written_with_a_comma_and_integers_as_integers():
    assert encode_line([0.75, Decimal("0.75"), Decimal("0.50"), 2.0, Decimal("100"), 12, 0]) \
        == "0,75;0,75;0,5;2;100;12;0\n"


@pytest.mark.parametrize(("rate", "written"), [
    (0.6, "0,6"), (0.756, "0,76"), (1, "1"), (0, "0"), (Decimal("0.5000"), "0,5"), (0.004, "0"),
    (0.745, "0,75"),  # half up on the decimal as written, although the float is 0.74499...
])
def test_a_rate_is_rounded_to_two_decimals_without_trailing_zeros(rate, written):
    assert cells_of(assessment_layout(), participation(progress_rate=rate))["% de progression"] == written


def test_a_boolean_cannot_be_written_without_the_user_language():
    with pytest.raises(TypeError):
        encode_line([True])


# --- formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize("hostile", ["=1+1", "=HYPERLINK(\"http://evil\")", "+33", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_name_that_starts_like_a_formula_gets_a_leading_apostrophe(hostile):
    text = export(assessment_layout(), participation(last_name=hostile))
    assert '"\'' + hostile.replace('"', '""') + '"' in text
    assert cells_of(assessment_layout(), participation(last_name=hostile))["Nom du Participant"] == "'" + hostile


@pytest.mark.parametrize("harmless", ["O'Neil", "Émilie", "Jean-Pierre", "1+1", "NA"])
def test_an_ordinary_name_is_written_as_it_is(harmless):
    assert cells_of(assessment_layout(), participation(last_name=harmless))["Nom du Participant"] == harmless
    assert f'"{harmless}"' in export(assessment_layout(), participation(last_name=harmless))


def test_the_formula_guard_covers_headers_and_the_campaign_too():
    layout = assessment_layout(external_id_label="=cmd|' /C calc'!A0", campaign_name="@campagne")
    head, values = parse(export(layout, participation()))
    assert "'=cmd|' /C calc'!A0" in head
    assert values[3] == "'@campagne"


# --- assessment rows -----------------------------------------------------------------------


def test_an_unshared_assessment_participation_has_na_for_every_result():
    cells = cells_of(assessment_layout(), participation(progress_rate=0.3))
    assert cells["Partage (O/N)"] == "Non"
    assert cells["% de progression"] == "0,3"
    assert cells["Date de début"] == "2024-03-05"
    results = list(cells)[list(cells).index("Date du partage"):]
    assert len(results) == 2 + 3 * 3 + 3 * 2
    assert all(cells[column] == "NA" for column in results)


def test_na_is_written_as_a_bare_token():
    line = export(assessment_layout(), participation()).splitlines()[1]
    assert line.endswith(';"Non";NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA;NA')


def test_a_shared_assessment_participation_has_its_results_by_competence_and_by_area():
    cells = cells_of(assessment_layout(), shared_assessment())
    assert cells["Partage (O/N)"] == "Oui"
    assert cells["Date du partage"] == "2024-03-12"
    assert cells["% maitrise de l'ensemble des acquis du profil"] == "0,47"
    assert [cells[f"{prefix} Mener une recherche"] for prefix in (
        "% de maitrise des acquis de la compétence", "Nombre d'acquis du profil cible dans la compétence",
        "Acquis maitrisés dans la compétence")] == ["0,75", "4", "3"]
    assert cells["% de maitrise des acquis de la compétence Gérer des données"] == "0,17"
    # area 1 sums 1.1 and 1.2: 4 of 10 skills
    assert [cells[f"{prefix} Information et données"] for prefix in (
        "% de maitrise des acquis du domaine", "Nombre d'acquis du profil cible du domaine",
        "Acquis maitrisés du domaine")] == ["0,4", "10", "4"]
    assert cells["% de maitrise des acquis du domaine Communication et collaboration"] == "0,6"


def test_an_area_without_target_skills_has_a_mastery_of_zero():
    results = [{"competence_code": "1.1", "area_code": "1", "target_skills_count": 4, "validated_skills_count": 4,
                "mastery_rate": 1}]
    cells = cells_of(assessment_layout(), shared_assessment(competences=results))
    assert [cells[f"{prefix} Communication et collaboration"] for prefix in (
        "% de maitrise des acquis du domaine", "Nombre d'acquis du profil cible du domaine",
        "Acquis maitrisés du domaine")] == ["0", "0", "0"]
    assert cells["% de maitrise des acquis de la compétence Mener une recherche"] == "1"
    assert cells["Nombre d'acquis du profil cible dans la compétence Interagir"] == "NA"


def test_dates_are_the_day_in_paris():
    late_evening_in_utc = datetime(2024, 3, 5, 23, 30, tzinfo=UTC)
    cells = cells_of(assessment_layout(), participation(started_at=late_evening_in_utc))
    assert cells["Date de début"] == "2024-03-06"
    assert encode_line([date(2024, 3, 5)]) == "2024-03-05\n"


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(ValueError):
        encode_line([datetime(2024, 3, 5, 9, 0)])


def test_the_learner_columns_follow_the_organization():
    assert cells_of(assessment_layout(), participation())["Classe"] == "3eA"
    sup = cells_of(assessment_layout(UNIVERSITY), participation())
    assert (sup["Groupe"], sup["Numéro Étudiant"]) == ("L1 Info", "2024-17")
    labelled = cells_of(assessment_layout(external_id_label="Matricule"), participation())
    assert labelled["Matricule"] == "ext-42"


def test_the_campaign_columns_repeat_on_every_line():
    head, *rows = parse(export(assessment_layout(), participation(), shared_assessment()))
    assert [r[:5] for r in rows] == [["Collège Jean Moulin", str(CAMPAIGN_ID), "ABCDEF123", "Rentrée 2024",
                                      "Parcours 3e"]] * 2


# --- profiles collection rows --------------------------------------------------------------


def test_a_profile_not_sent_has_na_after_the_sent_column():
    cells = cells_of(profiles_layout(), participation())
    assert cells["Envoi (O/N)"] == "Non"
    after = list(cells)[list(cells).index("Envoi (O/N)") + 1:]
    assert len(after) == 4 + 2 * 3
    assert all(cells[column] == "NA" for column in after)


def test_a_sent_profile_has_its_pix_and_levels():
    cells = cells_of(profiles_layout(), sent_profile({"1.1": 2, "1.2": 0, "2.1": 1}))
    assert cells["Envoi (O/N)"] == "Oui"
    assert cells["Date de l'envoi"] == "2024-03-12"
    assert cells["Nombre de pix total"] == "30"
    assert (cells["Niveau pour la compétence Mener une recherche"],
            cells["Nombre de pix pour la compétence Mener une recherche"]) == ("2", "18")
    assert cells["Nombre de compétences certifiables"] == "2"
    assert cells["Certifiable (O/N)"] == "Non"


def test_a_learner_is_certifiable_with_level_1_in_five_competences():
    four = {code: 1 for code in ("1.1", "1.2", "2.1", "3.1")} | {"3.2": 0}
    five = four | {"3.2": 1}
    assert cells_of(profiles_layout(), sent_profile(four))["Certifiable (O/N)"] == "Non"
    certifiable = cells_of(profiles_layout(), sent_profile(five))
    assert (certifiable["Certifiable (O/N)"], certifiable["Nombre de compétences certifiables"]) == ("Oui", "5")


def test_a_competence_missing_from_the_profile_has_no_pix():
    cells = cells_of(profiles_layout(), sent_profile({"1.1": 3}))
    assert (cells["Niveau pour la compétence Interagir"], cells["Nombre de pix pour la compétence Interagir"]) \
        == ("0", "0")


# --- headers -------------------------------------------------------------------------------

ASSESSMENT_RESULTS = [
    "% de progression", "Date de début", "Partage (O/N)", "Date du partage",
    "% maitrise de l'ensemble des acquis du profil",
    "% de maitrise des acquis de la compétence Mener une recherche",
    "Nombre d'acquis du profil cible dans la compétence Mener une recherche",
    "Acquis maitrisés dans la compétence Mener une recherche",
    "% de maitrise des acquis de la compétence Gérer des données",
    "Nombre d'acquis du profil cible dans la compétence Gérer des données",
    "Acquis maitrisés dans la compétence Gérer des données",
    "% de maitrise des acquis de la compétence Interagir",
    "Nombre d'acquis du profil cible dans la compétence Interagir",
    "Acquis maitrisés dans la compétence Interagir",
    "% de maitrise des acquis du domaine Information et données",
    "Nombre d'acquis du profil cible du domaine Information et données",
    "Acquis maitrisés du domaine Information et données",
    "% de maitrise des acquis du domaine Communication et collaboration",
    "Nombre d'acquis du profil cible du domaine Communication et collaboration",
    "Acquis maitrisés du domaine Communication et collaboration",
]
ASSESSMENT_START = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Parcours",
                    "Nom du Participant", "Prénom du Participant"]
PROFILES_RESULTS = [
    "Envoi (O/N)", "Date de l'envoi", "Nombre de pix total", "Certifiable (O/N)", "Nombre de compétences certifiables",
    "Niveau pour la compétence Mener une recherche", "Nombre de pix pour la compétence Mener une recherche",
    "Niveau pour la compétence Gérer des données", "Nombre de pix pour la compétence Gérer des données",
    "Niveau pour la compétence Interagir", "Nombre de pix pour la compétence Interagir",
]
PROFILES_START = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Nom du Participant",
                  "Prénom du Participant"]


@pytest.mark.parametrize(("organization", "label", "learner_columns"), [
    (SCHOOL, None, ["Classe"]),
    (SCHOOL, "Identifiant ENT", ["Classe", "Identifiant ENT"]),
    (UNIVERSITY, None, ["Groupe", "Numéro Étudiant"]),
    (UNIVERSITY, "Matricule", ["Groupe", "Numéro Étudiant", "Matricule"]),
    (COMPANY, None, []),
    (COMPANY, "Adresse e-mail", ["Adresse e-mail"]),
    (SCHOOL | {"organization_manages_students": False}, None, []),
    (UNIVERSITY | {"organization_manages_students": False}, None, []),
])
def test_the_headers_in_french_for_each_kind_of_organization(organization, label, learner_columns):
    assessment = assessment_layout(organization, external_id_label=label)
    profiles = profiles_layout(organization, external_id_label=label)
    assert header(assessment) == ASSESSMENT_START + learner_columns + ASSESSMENT_RESULTS
    assert header(profiles) == PROFILES_START + learner_columns + PROFILES_RESULTS
    assert parse(export(assessment))[0] == header(assessment)
    assert parse(export(profiles))[0] == header(profiles)


def test_french_is_the_default_and_english_is_for_en():
    assert header(assessment_layout(locale="de")) == header(assessment_layout())
    assert header(assessment_layout(locale="en-GB")) == header(assessment_layout(locale="en"))


def test_the_headers_in_english():
    assert header(assessment_layout(UNIVERSITY, external_id_label="Student e-mail", locale="en")) == [
        "Organization name", "Campaign ID", "Code", "Campaign name", "Target profile", "Participant's last name",
        "Participant's first name", "Group", "Student number", "Student e-mail", "% progress", "Start date",
        "Shared (Y/N)", "Date shared", "% mastery of all the skills of the profile",
        "% mastery of the skills of the competence Mener une recherche",
        "Number of target profile skills in the competence Mener une recherche",
        "Skills mastered in the competence Mener une recherche",
        "% mastery of the skills of the competence Gérer des données",
        "Number of target profile skills in the competence Gérer des données",
        "Skills mastered in the competence Gérer des données",
        "% mastery of the skills of the competence Interagir",
        "Number of target profile skills in the competence Interagir",
        "Skills mastered in the competence Interagir",
        "% mastery of the skills of the area Information et données",
        "Number of target profile skills in the area Information et données",
        "Skills mastered in the area Information et données",
        "% mastery of the skills of the area Communication et collaboration",
        "Number of target profile skills in the area Communication et collaboration",
        "Skills mastered in the area Communication et collaboration",
    ]
    assert header(profiles_layout(locale="en")) == [
        "Organization name", "Campaign ID", "Code", "Campaign name", "Participant's last name",
        "Participant's first name", "Class", "Sent (Y/N)", "Date sent", "Total pix",
        "Eligible for certification (Y/N)", "Number of competences eligible for certification",
        "Level in the competence Mener une recherche", "Pix in the competence Mener une recherche",
        "Level in the competence Gérer des données", "Pix in the competence Gérer des données",
        "Level in the competence Interagir", "Pix in the competence Interagir",
    ]


def test_yes_and_no_follow_the_language():
    english = assessment_layout(locale="en")
    assert cells_of(english, shared_assessment())["Shared (Y/N)"] == "Yes"
    assert cells_of(english, participation())["Shared (Y/N)"] == "No"
    assert cells_of(profiles_layout(locale="en"), sent_profile({"1.1": 1}))["Eligible for certification (Y/N)"] == "No"


def test_a_layout_refuses_an_unknown_campaign_or_organization_type():
    with pytest.raises(ValueError):
        assessment_layout(campaign_type="QUIZ")
    with pytest.raises(ValueError):
        assessment_layout(organization_type="sco")


def test_a_row_has_as_many_cells_as_the_header():
    for layout in (assessment_layout(UNIVERSITY, external_id_label="Matricule"), profiles_layout(COMPANY)):
        assert len(row(layout, participation())) == len(header(layout))


# --- file name -----------------------------------------------------------------------------


def test_the_file_name_has_the_campaign_and_the_export_time_in_paris():
    summer_morning = datetime(2024, 7, 1, 8, 5, tzinfo=UTC)
    assert file_name("Rentrée 2024", 42, summer_morning) == "Resultats-Rentrée 2024-42-2024-07-01-1005.csv"


def test_the_file_name_drops_what_a_file_system_refuses_but_keeps_accents_and_spaces():
    name = 'Évaluation 3e/4e: "œuvres" <final>?*|\\ \x07\u202e'
    moment = datetime(2024, 1, 15, 13, 0, tzinfo=UTC)
    assert file_name(name, 7, moment) == "Resultats-Évaluation 3e4e œuvres final-7-2024-01-15-1400.csv"


# --- the fast writer: the same text as row() ----------------------------------------------------

HOSTILE = ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tTab", "\rCR", 'Dupont "JJ"', "D'Angelo", "a;b", "é\nà", "", None,
           " =espace", "Nguyễn", "=HYPERLINK(\"http://x\")"]
RATES = [0, 1, 0.5, 0.125, 0.145, 0.745, 0.005, 2.675, 0.6667, 1e-05, Decimal("0.1667"), Decimal("0.745"),
         Decimal("0.0050"), Decimal("1.0000"), 1.0, Decimal(0.145), None]  # Decimal(0.145) is 0.1449999...: 0,14


def random_participation(rng: random.Random) -> dict:
    text = lambda: rng.choice(HOSTILE + ["Martin", "Léa"])  # noqa: E731
    competences = [{"competence_code": code, "area_code": code[0], "target_skills_count": rng.randint(0, 9),
                    "validated_skills_count": rng.randint(0, 9), "mastery_rate": rng.choice(RATES)}
                   for code in rng.sample(["1.1", "1.2", "2.1", "9.9"], rng.randint(0, 4))]
    shared = rng.random() < 0.6
    return participation(last_name=text(), first_name=text(), division=text(), group_name=text(),
                         student_number=text(), participant_external_id=text(), progress_rate=rng.choice(RATES[:-1]),
                         started_at=STARTED, shared_at=SHARED if shared else None,
                         mastery_rate=rng.choice(RATES) if shared else None, competences=competences)


@pytest.mark.parametrize("organization", [SCHOOL, UNIVERSITY, COMPANY])
@pytest.mark.parametrize("external_id_label", [None, "=INE"])
def test_the_lines_of_a_large_export_are_those_row_defines(organization, external_id_label):
    """``lines`` writes with ``line_writer`` (the campaign's cells once, rates' texts kept): the same text as
    ``encode_line(row(...))`` for any participant, hostile names, rates of every type, results missing."""
    rng = random.Random(f"{organization['organization_type']} {external_id_label}")
    for layout in (assessment_layout(organization, external_id_label=external_id_label, campaign_name="=Rentrée"),
                   profiles_layout(organization, external_id_label=external_id_label)):
        write = line_writer(layout)
        for _ in range(300):
            one = random_participation(rng) if layout.is_assessment else sent_profile(
                {"1.1": rng.randint(0, 5), "2.1": rng.randint(0, 5)}, last_name=rng.choice(HOSTILE[:-4]))
            assert write(one) == encode_line(row(layout, one))


def test_the_fast_writer_fails_where_row_fails():
    broken = shared_assessment(competences=[{"competence_code": "1.1", "area_code": "1", "target_skills_count": 4.0,
                                             "validated_skills_count": 3, "mastery_rate": 0.75}])
    for write in (line_writer(assessment_layout()), lambda p: encode_line(row(assessment_layout(), p))):
        with pytest.raises(TypeError):
            write(broken)
    with pytest.raises(ValueError):
        line_writer(assessment_layout())(shared_assessment(mastery_rate=float("nan")))
