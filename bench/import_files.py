"""Reading learner files: time and memory of read_learner_file on a big school and a big university.

    python bench/import_files.py                      # 5,000 pupils (SIECLE XML), 50,000 students (CSV)
    python bench/import_files.py --pupils 20000 --students 100000

The files are generated in a temporary folder: a SIECLE export in ISO-8859-15 shaped like
ElevesSansAdresses.xml (every element SIECLE writes for a pupil, options, classes and groups),
and a university CSV in UTF-8 with a BOM and ';'. Each file is read in a fresh Python process,
so that its peak RSS (ru_maxrss, after the imports, minus before) is its own; a second read in
that process, under tracemalloc, gives the peak of Python allocations.

Then the whole import, as the API runs it (``handlers.import_learners``: read, plan, write the
learners and the batched events in one transaction), into a fresh PostgreSQL database, also in
a fresh process: a first import (everyone created), then the same file again (nothing changes,
every learner compared). For the SIECLE export, then, the pupils change school: every learner of
the first school is linked to an account, and a second school imports the same pupils, so each
of them is linked to their account by the import (organizations' domain/school_changes.py).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

UAI = "0751234A"
FIRST_NAMES = ["Chloé", "Léa", "Zoé", "Maëlle", "Inès", "Noémie", "Anaïs", "Hélène", "Gaëlle", "Agnès", "François",
               "Jérôme", "Noël", "Gaëtan", "Léon", "Théo", "Raphaël", "Benoît", "Joël", "Loïc", "Mathéo", "Élodie"]
LAST_NAMES = ["LEFÈVRE", "CŒURDEROY", "GARÇON", "BÉRANGER", "D'ALMEIDA", "MÉNARD", "LŒUILLET", "FRANÇOIS", "HÉBERT",
              "PÉRIER", "DUPRÉ", "BOËL", "MARTIN", "ROUSSEL", "ÖZTÜRK", "NGUYEN", "TRAORÉ", "LEBŒUF"]


def siecle_xml(path: Path, pupils: int, rng: random.Random) -> None:
    with path.open("w", encoding="iso-8859-15", newline="\r\n") as out:
        out.write('<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="3.1">\n  <PARAMETRES>\n'
                  f"    <UAJ>{UAI}</UAJ>\n    <ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>\n"
                  "    <DATE_EXPORT>02/09/2025</DATE_EXPORT>\n    <HORODATAGE>02/09/2025 08:15:42</HORODATAGE>\n"
                  "  </PARAMETRES>\n  <DONNEES>\n    <ELEVES>\n")
        for n in range(pupils):
            left = n % 50 == 49
            born_abroad = n % 20 == 7
            out.write(
                f'      <ELEVE ELEVE_ID="{2_000_000 + n}" ELENOET="{n}">\n'
                f"        <ID_NATIONAL>{n:09d}AB</ID_NATIONAL>\n        <ELENOET>{n}</ELENOET>\n"
                f"        <ID_ELEVE_ETAB/>\n        <NOM_DE_FAMILLE>{rng.choice(LAST_NAMES).replace(chr(39), '&apos;')}"
                f"</NOM_DE_FAMILLE>\n        <NOM_USAGE/>\n        <PRENOM>{rng.choice(FIRST_NAMES)}</PRENOM>\n"
                f"        <PRENOM2>{rng.choice(FIRST_NAMES)}</PRENOM2>\n        <PRENOM3/>\n"
                f"        <DATE_NAISS>{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2008, 2014)}"
                "</DATE_NAISS>\n        <DOUBLEMENT>0</DOUBLEMENT>\n"
                + ("        <DATE_SORTIE>15/01/2025</DATE_SORTIE>\n" if left else "")
                + f"        <CODE_PAYS>{'216' if born_abroad else '100'}</CODE_PAYS>\n        <ACCEPTE_SMS>0</ACCEPTE_SMS>\n"
                "        <DATE_MODIFICATION>28/08/2025</DATE_MODIFICATION>\n        <CODE_REGIME>2</CODE_REGIME>\n"
                "        <DATE_ENTREE>01/09/2023</DATE_ENTREE>\n"
                f"        <CODE_SEXE>{1 + n % 2}</CODE_SEXE>\n        <CODE_PAYS_NAT>100</CODE_PAYS_NAT>\n"
                "        <CODE_STATUT>ST</CODE_STATUT>\n        <CODE_MEF>10010012110</CODE_MEF>\n"
                f"        <CODE_DEPARTEMENT_NAISS>{'099' if born_abroad else '075'}</CODE_DEPARTEMENT_NAISS>\n"
                f"        <CODE_COMMUNE_INSEE_NAISS>{'' if born_abroad else '75056'}</CODE_COMMUNE_INSEE_NAISS>\n"
                f"        <VILLE_NAISS>{'TUNIS' if born_abroad else ''}</VILLE_NAISS>\n"
                "        <ADHESION_TRANSPORT>0</ADHESION_TRANSPORT>\n        <CODE_PROVENANCE>1</CODE_PROVENANCE>\n"
                "        <SCOLARITE_AN_DERNIER>\n          <CODE_MEF>10010012110</CODE_MEF>\n"
                "          <CODE_STRUCTURE>6E1</CODE_STRUCTURE>\n          <CODE_RNE>0751234A</CODE_RNE>\n"
                "          <SIGLE>CLG</SIGLE>\n          <DENOM_PRINC>COLLEGE</DENOM_PRINC>\n"
                "          <DENOM_COMPL>GUSTAVE FLAUBERT</DENOM_COMPL>\n"
                "          <CODE_COMMUNE_INSEE>75113</CODE_COMMUNE_INSEE>\n"
                "          <LL_COMMUNE_INSEE>PARIS 13E  ARRONDISSEMENT</LL_COMMUNE_INSEE>\n"
                "        </SCOLARITE_AN_DERNIER>\n      </ELEVE>\n")
        out.write("    </ELEVES>\n    <OPTIONS>\n")
        for n in range(pupils):
            out.write(f'      <OPTION ELEVE_ID="{2_000_000 + n}" ELENOET="{n}">\n        <OPTIONS_ELEVE>\n'
                      "          <NUM_OPTION>1</NUM_OPTION>\n          <CODE_MODALITE_ELECT>S</CODE_MODALITE_ELECT>\n"
                      "          <CODE_MATIERE>030201</CODE_MATIERE>\n        </OPTIONS_ELEVE>\n      </OPTION>\n")
        out.write("    </OPTIONS>\n    <STRUCTURES>\n")
        for n in range(pupils):
            out.write(f'      <STRUCTURES_ELEVE ELEVE_ID="{2_000_000 + n}" ELENOET="{n}">\n'
                      f"        <STRUCTURE>\n          <CODE_STRUCTURE>{3 + n % 4}E{1 + n % 9}</CODE_STRUCTURE>\n"
                      "          <TYPE_STRUCTURE>D</TYPE_STRUCTURE>\n        </STRUCTURE>\n"
                      f"        <STRUCTURE>\n          <CODE_STRUCTURE>GR ESP {n % 3}</CODE_STRUCTURE>\n"
                      "          <TYPE_STRUCTURE>G</TYPE_STRUCTURE>\n        </STRUCTURE>\n      </STRUCTURES_ELEVE>\n")
        out.write("    </STRUCTURES>\n  </DONNEES>\n</BEE_ELEVES>\n")


def university_csv(path: Path, students: int, rng: random.Random) -> None:
    from organizations.adapters.learner_files import university_csv_template

    with path.open("wb") as out:
        out.write(university_csv_template())
        for n in range(students):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES).title()
            row = [first, rng.choice(FIRST_NAMES) if n % 3 == 0 else "", "", last, "",
                   f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1980, 2006)}",
                   f"etudiant.{n}@etu.univ-exemple.fr", f"2{n:08d}", "UFR Sciences", "Équipe pédagogique L1",
                   f'"TD {n % 40}; TP {n % 7}"', "Licence Informatique", "Formation initiale"]
            out.write((";".join(row) + "\r\n").encode("utf-8"))


def measure(kind: str, path: Path) -> dict:
    """In this (fresh) process: one read for time and RSS, one under tracemalloc for the Python peak."""
    from organizations.adapters.learner_files import read_learner_file

    organization_type, filename = ("SCO", "ElevesSansAdresses.xml") if kind == "xml" else ("SUP", "etudiants.csv")

    def read():
        with path.open("rb") as stream:
            return read_learner_file(filename, stream, organization_type=organization_type, uai=UAI)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    parsed = read()
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del parsed
    tracemalloc.start()
    parsed = read()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": seconds, "rss_delta_kib": rss_after - rss_before, "rss_peak_kib": rss_after,
            "tracemalloc_peak_bytes": peak, "learners": len(parsed.learners), "errors": parsed.error_count,
            "skipped": parsed.skipped, "encoding": parsed.encoding}


def measure_import(kind: str, path: Path) -> dict:
    """In this (fresh) process: the whole import into a new database, twice."""
    import uuid
    from datetime import datetime, timezone

    from organizations.bootstrap import bootstrap
    from organizations.config import Settings
    from organizations.domain import commands
    from organizations.domain.model import KnownUser
    from organizations.service_layer import handlers
    from svckit import migrations
    from svckit.testing import fresh_database

    organization_type, filename = ("SCO", "ElevesSansAdresses.xml") if kind == "xml" else ("SUP", "etudiants.csv")
    with fresh_database("bench") as url:
        migrations.upgrade(url, "organizations:migrations")
        runtime = bootstrap(Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": url}))
        admin = commands.Actor(uuid.uuid4(), "admin@example.org", platform_admin=True)
        organization_id = handlers.create_organization(commands.CreateOrganization(
            admin, "Bench", organization_type, UAI if organization_type == "SCO" else None, True, admin.email),
            runtime.uow(), runtime.now)
        with runtime.uow() as uow:  # the admin accepted the invitation and the Orga terms
            organization = uow.organizations.get(organization_id)
            invitation = organization.invitations[0]
            organization.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=admin.user_id,
                                           user_email=admin.email, verified_email=admin.email,
                                           now=datetime.now(timezone.utc))
            uow.known_users.save(KnownUser(admin.user_id, admin.email, "Ada", "Admin", datetime.now(timezone.utc), 1))
            uow.known_users.record_orga_terms(admin.user_id, datetime.now(timezone.utc), 2)
            uow.commit()
        runs = []
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(2):
            with path.open("rb") as stream:
                start = time.perf_counter()
                result = handlers.import_learners(commands.ImportLearners(admin, organization_id, filename, stream,
                                                                          "ADD_UPDATE"),
                                                  runtime.uow(), runtime.read_file, runtime.now)
                runs.append((time.perf_counter() - start, result.learner_import))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        from sqlalchemy import text

        with runtime.engine.connect() as connection:
            events = connection.execute(text("SELECT count(*) FROM outbox WHERE event_type = "
                                             "'organizations.learners.imported.v1'")).scalar_one()
        moved = None
        if organization_type == "SCO":
            with runtime.engine.begin() as connection:  # every pupil of the first school has an account
                connection.execute(text("UPDATE organization_learners SET user_id = gen_random_uuid()"))
            other = "0759999Z"
            organization_id = handlers.create_organization(commands.CreateOrganization(
                admin, "Bench 2", "SCO", other, True, admin.email), runtime.uow(), runtime.now)
            with runtime.uow() as uow:
                organization = uow.organizations.get(organization_id)
                invitation = organization.invitations[0]
                organization.accept_invitation(invitation_id=invitation.id, code=invitation.code,
                                               user_id=admin.user_id, user_email=admin.email,
                                               verified_email=admin.email, now=datetime.now(timezone.utc))
                uow.commit()
            copy = path.with_name("autre-college.xml")
            copy.write_bytes(path.read_bytes().replace(f"<UAJ>{UAI}</UAJ>".encode(), f"<UAJ>{other}</UAJ>".encode()))
            with copy.open("rb") as stream:
                start = time.perf_counter()
                result = handlers.import_learners(commands.ImportLearners(admin, organization_id, filename, stream,
                                                                          "ADD_UPDATE"),
                                                  runtime.uow(), runtime.read_file, runtime.now)
                moved = (time.perf_counter() - start, result.learner_import.carried_over_count)
        runtime.engine.dispose()
    (first_seconds, first), (second_seconds, second) = runs
    return {"first_seconds": first_seconds, "created": first.created_count, "status": first.status,
            "second_seconds": second_seconds, "unchanged": second.unchanged_count, "events": events,
            "rss_delta_kib": rss_after - rss_before, "rss_peak_kib": rss_after,
            "moved_seconds": moved[0] if moved else None, "carried_over": moved[1] if moved else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=5000)
    parser.add_argument("--students", type=int, default=50000)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--measure-import", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    if args.measure_import:
        print(json.dumps(measure_import(args.measure_import[0], Path(args.measure_import[1]))))
        return
    rng = random.Random(2025)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        files = [("xml", Path(folder, "ElevesSansAdresses.xml"), args.pupils, siecle_xml),
                 ("csv", Path(folder, "etudiants.csv"), args.students, university_csv)]
        print(f"{'file':<32} {'size':>9} {'rows':>7} {'kept':>7} {'time':>8} {'tracemalloc':>12} {'RSS delta':>10}"
              f" {'RSS peak':>9}")
        for kind, path, count, generate in files:
            generate(path, count, rng)
            result = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], check=True,
                                    capture_output=True, text=True)
            figures = json.loads(result.stdout)
            if figures["errors"]:
                raise SystemExit(f"{path.name}: {figures['errors']} errors, the generator is wrong")
            print(f"{path.name + ' (' + figures['encoding'] + ')':<32} {path.stat().st_size / 2**20:>7.1f}MB"
                  f" {count:>7} {figures['learners']:>7} {figures['seconds']:>7.2f}s"
                  f" {figures['tracemalloc_peak_bytes'] / 2**20:>10.1f}MB {figures['rss_delta_kib'] / 1024:>8.1f}MB"
                  f" {figures['rss_peak_kib'] / 1024:>7.1f}MB")
        print(f"\n{'whole import into PostgreSQL':<32} {'first (created)':>22} {'again (unchanged)':>22} "
              f"{'events':>7} {'RSS delta':>10} {'RSS peak':>9}")
        for kind, path, _count, _ in files:
            result = subprocess.run([sys.executable, __file__, "--measure-import", kind, str(path)], check=True,
                                    capture_output=True, text=True)
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            if figures["status"] != "SUCCEEDED":
                raise SystemExit(f"{path.name}: the import failed")
            print(f"{path.name:<32} {figures['first_seconds']:>8.2f}s {figures['created']:>7} created"
                  f" {figures['second_seconds']:>7.2f}s {figures['unchanged']:>6} same {figures['events']:>7}"
                  f" {figures['rss_delta_kib'] / 1024:>8.1f}MB {figures['rss_peak_kib'] / 1024:>7.1f}MB")
            if figures["carried_over"] is not None:
                print(f"{'  the pupils change school':<32} {figures['moved_seconds']:>8.2f}s"
                      f" {figures['carried_over']:>7} linked to their account by the new school's import")


if __name__ == "__main__":
    main()
