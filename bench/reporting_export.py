"""Figures of reporting at the size of a very large campaign: 100,000 participations, on the real PostgreSQL;
today's path and the new one in the same run (issue 18).

    python bench/reporting_export.py [--participants 100000] [--exports 3] [--old-ref main] [--json PATH]
    python bench/reporting_export.py --quick        # 5,000 participations, to try it out

The read models are written in bulk (the projections are tested elsewhere): a school managing its
students, one member who accepted the Orga terms, the content's 5 areas and 16 competences (names from
the assessment service's content pack), an assessment campaign of 130 target skills with an external
id, and as many learners and participations: started over 30 days, 60% shared (results of the 16
competences and a profile), 25% to share, 15% under way; a second campaign of the same learners holds
as many again, so the participations table is twice the campaign's size.

Two ``reporting api`` processes (gunicorn, 1 worker, default threads) on that database: **before** runs the code
of ``--old-ref`` (``git archive`` put first on its PYTHONPATH, as bench/answers.py does), **now** this tree's.

- export: ``GET /api/campaigns/{id}/export.csv`` over HTTP, read as a stream; ``--exports`` runs of each path in
  turns: time to the first byte (the header) and to the first participant's line, total time, size and lines;
  the worker's resident memory before, its peak during (VmHWM, reset before each run, and VmRSS sampled every
  50 ms) and the growth. Every file must have the same sha256 (today's and the new path's bytes are equal).
- activity and statistics: p50 of 20 requests on each path; both paths' answers must be equal.
- participants (new path): pages of 20 at random page numbers over the whole range (deep offsets too), unfiltered
  and filtered by status, class and a part of a name; p50 and p99 of 200 requests after 20 of warm-up.
  Then the campaign's collective results (p50 of 20), and the organization's learners, first page (p50, p99 of
  50). A series stops early (10 requests at least) when its time budget (``--budget``, 20 s; half for the
  others) runs out, and says how many requests it measured.
- projection: events/s through the real consumer handlers, in-process (the consumer's cost without the
  broker), each event in its own transaction with its inbox and journal rows: a participation started,
  an answer, the assessment completed, the results shared; p50 per kind of event; without the running counts'
  trigger (disabled for that run) then with it, each on an empty campaign of its own.

``--json PATH`` writes issue 18's rows (bench/README.md): export_100k_s, activity_ms, statistics_ms, and the
export's first byte, first line and memory, and the projection's events/s.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_NAMES = ["Léa", "Chloé", "Inès", "Manon", "Camille", "Zoé", "Maëlys", "Anaïs", "Mathéo", "Noé", "Raphaël",
               "Gabriel", "Louis", "Hugo", "Jules", "Lucas", "Marie", "Marc", "Marius", "Maxime", "Mohamed", "Omar",
               "Amaury", "Célia", "Élodie", "Jérôme", "François", "Hélène", "Anne-Sophie", "Jean-Baptiste", "Benoît",
               "Agathe", "Timothée", "Océane", "Yanis", "Aïcha", "Noémie", "Thaïs", "Clément", "Éva", "Lina", "Adam",
               "Sarah", "Emma", "Jade", "Louise", "Alice", "Rose", "Ambre", "Arthur", "Léo", "Tom", "Nathan",
               "Ethan", "Paul", "Sacha", "Victor", "Mila", "Tamara", "Joséphine"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
              "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Müller", "Henry",
              "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
              "Fontaine", "Chevalier", "Robin", "D'Angelo", "N'Diaye", "L'Hôte", "O'Connor", 'Dupont "JJ"',
              "de La Fontaine", "Le Goff", "Marchand", "Ménard", "Lemaître", "Étienne", "Nguyễn", "Benali", "Ba"]
DIVISIONS = ["3A", "3B", "3C", "3D", "3E", "3F"]
TARGET_SKILLS = 130
SOURCES = ("libs/svckit/src", "libs/msgkit/src", "services/reporting/src")  # today's code, for the old path
GOALS = {"export_100k_s": 5, "activity_ms": 20, "statistics_ms": 20}  # issue 18
PAGE_SIZE = 20


# -- the read models, in bulk -----------------------------------------------------------------


def content_of_pack() -> tuple[list[dict], list[dict], list[dict]]:
    """Areas, competences and skills (``tube id`` + level, as assessment names them) of the real content pack."""
    from assessment.adapters.content_pack import read_pack

    areas, competences, skills = [], [], []
    for area in read_pack().document["areas"]:
        areas.append({"code": area["code"], "name": area["name"]})
        for competence in area["competences"]:
            competences.append({"code": competence["code"], "area_code": area["code"], "name": competence["name"]})
            skills += [{"id": f"{tube['id']}{skill['level']}", "competence_code": competence["code"],
                        "level": skill["level"]} for tube in competence["tubes"] for skill in tube["skills"]]
    return areas, competences, skills


def target_skills(skills: list[dict]) -> list[str]:
    """130 skills over every competence: the easiest levels of every tube first, as a diagnosis targets them."""
    chosen = sorted(skills, key=lambda skill: (skill["level"], skill["competence_code"], skill["id"]))[:TARGET_SKILLS]
    assert len({skill["competence_code"] for skill in chosen}) == 16, "the target misses competences"
    return [skill["id"] for skill in chosen]


LEARNERS_SQL = """
INSERT INTO learners (id, version, organization_id, user_id, first_name, last_name, birthdate, division)
SELECT gen_random_uuid(), 1, :organization_id, gen_random_uuid(),
       (CAST(:first_names AS text[]))[1 + floor(random() * cardinality(CAST(:first_names AS text[])))::int],
       (CAST(:last_names AS text[]))[1 + floor(random() * cardinality(CAST(:last_names AS text[])))::int],
       DATE '2011-01-01' + (i % 365), (CAST(:divisions AS text[]))[1 + i % cardinality(CAST(:divisions AS text[]))]
FROM generate_series(0, :count - 1) AS i
"""

USERS_SQL = """
INSERT INTO users (id, version, first_name, last_name)
SELECT user_id, 1, first_name, last_name FROM learners WHERE organization_id = :organization_id
"""

# One participation per learner. Its status follows from the facts written (the column is computed):
# 12 in 20 shared, 5 in 20 finished and to share, 3 in 20 under way. A learner's results per competence
# follow a level of their own (``draw``), with some noise.
PARTICIPATIONS_SQL = """
WITH target AS MATERIALIZED (  -- once, not once per participation
    SELECT skill.competence_code AS code, competence.area_code, count(*) AS skills
    FROM campaigns campaign
    JOIN skills skill ON skill.id = ANY(campaign.target_skill_ids)
    JOIN competences competence ON competence.code = skill.competence_code
    WHERE campaign.id = :campaign_id
    GROUP BY skill.competence_code, competence.area_code
), learner AS (
    SELECT id, user_id, row_number() OVER (ORDER BY id) AS n
    FROM learners WHERE organization_id = :organization_id
), started AS (
    SELECT learner.*, :t0 + random() * interval '30 days' AS started_at, random() AS draw,
           CASE WHEN n % 20 < 12 THEN 'SHARED' WHEN n % 20 < 17 THEN 'TO_SHARE' ELSE 'STARTED' END AS kind
    FROM learner
)
INSERT INTO participations (id, version, campaign_id, organization_id, campaign_type, user_id,
    organization_learner_id, participant_external_id, started_at, restarted_at, progress_rate, progress_at,
    completed_at, shared_at, mastery_rate, validated_skills_count, target_skills_count, total_pix, certifiable,
    certifiable_competences_count, results)
SELECT gen_random_uuid(), CASE p.kind WHEN 'SHARED' THEN 3 ELSE 1 END, :campaign_id, :organization_id, 'ASSESSMENT',
       p.user_id, p.id, lpad(p.n::text, 10, '0') || chr(65 + (p.n % 26)::int), p.started_at, p.started_at,
       CASE p.kind WHEN 'STARTED' THEN round((0.05 + 0.9 * p.draw)::numeric, 4) ELSE 1 END,
       p.started_at + interval '25 minutes' * (0.5 + p.draw),
       CASE WHEN p.kind <> 'STARTED' THEN p.started_at + interval '40 minutes' END,
       CASE WHEN p.kind = 'SHARED' THEN p.started_at + interval '1 hour' + random() * interval '2 days' END,
       r.mastery_rate, r.validated, r.target, r.total_pix, r.certifiable_count >= 5, r.certifiable_count, r.results
FROM started p
LEFT JOIN LATERAL (
    SELECT sum(v.validated)::int AS validated, sum(v.skills)::int AS target,
           round(sum(v.validated)::numeric / sum(v.skills), 4) AS mastery_rate,
           sum(v.validated * 8)::int AS total_pix, count(*) FILTER (WHERE v.validated >= 2)::int AS certifiable_count,
           jsonb_build_object(
               'competences', jsonb_agg(jsonb_build_object(
                   'competence_code', v.code, 'area_code', v.area_code, 'target_skills_count', v.skills,
                   'validated_skills_count', v.validated, 'tested_skills_count', least(v.skills, v.validated + 2),
                   'mastery_rate', round(v.validated::numeric / v.skills, 4)) ORDER BY v.code),
               'profile', jsonb_build_object(
                   'total_pix', sum(v.validated * 8), 'certifiable', count(*) FILTER (WHERE v.validated >= 2) >= 5,
                   'competences', jsonb_agg(jsonb_build_object(
                       'competence_code', v.code, 'area_code', v.area_code, 'pix', v.validated * 8,
                       'level', least(5, v.validated / 2)) ORDER BY v.code))) AS results
    FROM (SELECT target.code, target.area_code, target.skills,
                 least(target.skills, greatest(0, round(target.skills * (0.8 * p.draw + 0.4 * random()))))::int
                 AS validated
          FROM target WHERE p.kind = 'SHARED') v
    HAVING count(*) > 0  -- no row, so null results, unless shared
) r ON true
"""


def fill(engine, participants: int, now: datetime) -> dict:
    """The read models of one school with two campaigns of ``participants`` participations each, and a third
    campaign, empty, for the projection's figures. Returns the ids the measures need."""
    from sqlalchemy import insert, select, text

    from reporting.adapters import orm
    from reporting.adapters.read_models import REFRESH_PARTICIPANTS, SYNC_SHARED_RESULTS

    areas, competences, skills = content_of_pack()
    targets = target_skills(skills)
    organization_id, member = uuid.uuid4(), uuid.uuid4()
    campaign_ids = [uuid.uuid4() for _ in range(4)]
    names = ["Diagnostic de rentrée 3e", "Diagnostic de fin d'année 3e", "Diagnostic (consommateur)",
             "Diagnostic (consommateur, sans compteurs)"]
    with engine.begin() as connection:
        connection.execute(insert(orm.organizations).values(
            id=organization_id, version=1, name="Collège Jean-Jaurès", type="SCO", external_id="0751234A",
            manages_students=True))
        connection.execute(insert(orm.memberships).values(
            membership_id=uuid.uuid4(), version=2, organization_id=organization_id, user_id=member, role="MEMBER",
            active=True))
        connection.execute(insert(orm.orga_terms).values(user_id=member, version=1, accepted_at=now))
        connection.execute(insert(orm.content_release).values(id=1, version=1))
        connection.execute(insert(orm.areas), areas)
        connection.execute(insert(orm.competences), competences)
        connection.execute(insert(orm.skills), [{"id": s["id"], "competence_code": s["competence_code"]}
                                                for s in skills])
        connection.execute(insert(orm.target_profiles).values(
            id="initial-diagnosis", name={"fr": "Diagnostic initial", "en": "Initial diagnosis"}))
        connection.execute(insert(orm.campaigns), [{
            "id": campaign_id, "organization_id": organization_id, "details_version": 1, "archive_version": 1,
            "type": "ASSESSMENT", "code": f"BENCH{n:04d}", "name": name, "title": None,
            "target_profile_id": "initial-diagnosis",
            "target_profile_name": {"fr": "Diagnostic initial", "en": "Initial diagnosis"},
            "target_skill_ids": targets, "owner_id": member, "created_at": now - timedelta(days=31),
            "external_id_label": "Numéro INE", "multiple_sendings": False} for n, (campaign_id, name)
            in enumerate(zip(campaign_ids, names, strict=True))])
        connection.execute(text("SELECT setseed(0.42)"))  # the same draws on every run
        connection.execute(text(LEARNERS_SQL), {"organization_id": organization_id, "count": participants,
                                                "first_names": FIRST_NAMES, "last_names": LAST_NAMES,
                                                "divisions": DIVISIONS})
        connection.execute(text(USERS_SQL), {"organization_id": organization_id})
        for campaign_id, t0 in ((campaign_ids[0], now - timedelta(days=30)), (campaign_ids[1], now - timedelta(days=90))):
            connection.execute(text(PARTICIPATIONS_SQL), {"campaign_id": campaign_id, "organization_id": organization_id,
                                                          "t0": t0})
        # What the projections derive on each event (who the participant is, the shared results per
        # competence), derived here for the whole table with the projections' own statements.
        connection.execute(text(REFRESH_PARTICIPANTS.format(selection="q.organization_id = :organization_id")),
                           {"organization_id": organization_id})
        connection.execute(text(SYNC_SHARED_RESULTS), {"ids": connection.execute(
            select(orm.participations.c.id)).scalars().all()})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # as autovacuum would have: fresh tables have no statistics
    return {"organization_id": organization_id, "member": member, "campaign_id": campaign_ids[0],
            "consumer_campaign_ids": {"now": campaign_ids[2], "before": campaign_ids[3]}, "competences": competences,
            "skills": skills, "targets": targets}


# -- the api process's memory -----------------------------------------------------------------


class WorkerMemory:
    """The resident memory of a gunicorn's workers (the master's children), read from /proc: VmRSS sampled
    every 50 ms by a thread while measuring, and VmHWM, the kernel's own peak, reset before (clear_refs 5)."""

    def __init__(self, master_pid: int) -> None:
        self.master_pid = master_pid
        self.sampled_peak_kb = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text().split()
        return [int(pid) for pid in children]

    @staticmethod
    def _status_kb(pid: int, field: str) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise KeyError(field)

    def rss_kb(self) -> int:
        return sum(self._status_kb(pid, "VmRSS") for pid in self.workers())

    def hwm_kb(self) -> int:
        return sum(self._status_kb(pid, "VmHWM") for pid in self.workers())

    def reset_peak(self) -> None:
        for pid in self.workers():
            Path(f"/proc/{pid}/clear_refs").write_text("5")

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.sampled_peak_kb = max(self.sampled_peak_kb, self.rss_kb())

    def __enter__(self) -> WorkerMemory:
        self.reset_peak()
        self.sampled_peak_kb, self._stop = self.rss_kb(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


# -- the measures -----------------------------------------------------------------------------


def export_once(session, url: str, headers: dict, memory: WorkerMemory, participants: int,
                columns: int) -> dict:
    before = memory.rss_kb()
    with memory:
        started = time.perf_counter()
        first_byte = first_row = None
        size = lines = 0
        head, digest = b"", hashlib.sha256()
        with session.get(url, headers=headers, stream=True, timeout=600) as response:
            response.raise_for_status()
            headers_at = time.perf_counter() - started
            for chunk in response.iter_content(chunk_size=None):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                size += len(chunk)
                digest.update(chunk)
                lines += chunk.count(b"\n")
                if first_row is None and lines >= 2:
                    first_row = time.perf_counter() - started
                if len(head) < 16384:
                    head += chunk[:16384]
        total = time.perf_counter() - started
    peak = max(memory.hwm_kb(), memory.sampled_peak_kb)
    assert lines == participants + 1, f"{lines} lines for {participants} participants and a header"
    _check_head(head, columns)
    return {"headers_ms": round(headers_at * 1000, 1), "first_byte_ms": round(first_byte * 1000, 1),
            "first_row_ms": round(first_row * 1000, 1), "total_s": round(total, 2), "bytes": size, "lines": lines,
            "rss_before_mb": mb(before), "peak_mb": mb(peak), "sampled_peak_mb": mb(memory.sampled_peak_kb),
            "growth_mb": mb(peak - before), "sha256": digest.hexdigest()}


def _check_head(head: bytes, columns: int) -> None:
    """That the bench read the real file: a BOM, ';' between cells, the French header, full lines."""
    assert head.startswith("\ufeff".encode()), head[:20]
    text = head.decode("utf-8", errors="ignore")[1:]
    rows = list(csv.reader(io.StringIO(text.rsplit("\n", 1)[0], newline=""), delimiter=";"))
    header, first = rows[0], rows[1]
    assert header[:3] == ["Nom de l'organisation", "ID Campagne", "Code"], header[:3]
    assert len(header) == columns and all(len(row) == columns for row in rows), (len(header), columns)
    assert first[0] == "Collège Jean-Jaurès" and first[11] in ("Oui", "Non"), first[:12]


def timed(session, url: str, headers: dict, params: dict | None = None) -> tuple[float, dict]:
    started = time.perf_counter()
    response = session.get(url, headers=headers, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text
    return elapsed, response.json()


def sample(request, count: int, warm: int, budget_s: float) -> list:
    """What ``request()`` returns (its first item: milliseconds), ``count`` times after ``warm`` unmeasured
    calls; fewer (10 at least) when ``budget_s`` runs out, so that a slow endpoint still has figures in a run
    of a few minutes. The warm-up gets a fifth of the budget."""
    began = time.perf_counter()
    for n in range(warm):
        request()
        if n and time.perf_counter() - began > budget_s / 5:
            break
    began, samples = time.perf_counter(), []
    while len(samples) < count and (len(samples) < 10 or time.perf_counter() - began < budget_s):
        samples.append(request())
    return samples


def p50_p99(samples: list[float]) -> dict:
    return {"requests": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p99_ms": round(statistics.quantiles(samples, n=100)[98], 1)}


def participant_pages(session, base: str, headers: dict, campaign_id, count: int, budget_s: float, rng) -> dict:
    url = f"{base}/api/campaigns/{campaign_id}/participants"
    series = {"all": {}, "status_shared": {"status": "SHARED"}, "division_3b": {"division": "3B"},
              "search_mar": {"search": "mar"}}
    result = {}
    for name, filters in series.items():
        _, first = timed(session, url, headers, {**filters, "page": 1, "page_size": PAGE_SIZE})
        pages = max(1, -(-first["total"] // PAGE_SIZE))

        def request(filters=filters, first=first, pages=pages):
            page = rng.randint(1, pages)
            elapsed, body = timed(session, url, headers, {**filters, "page": page, "page_size": PAGE_SIZE})
            assert body["total"] == first["total"]
            assert len(body["items"]) == min(PAGE_SIZE, body["total"] - (page - 1) * PAGE_SIZE)
            return elapsed, page

        samples = sample(request, count, 20, budget_s)
        times = [ms for ms, _page in samples]
        result[name] = {"total": first["total"], "pages": pages, **p50_p99(times)}
        if name == "all":  # the shallowest fifth of the pages against the deepest fifth
            shallow = [ms for ms, page in samples if page <= pages / 5] or times
            deep = [ms for ms, page in samples if page > pages * 4 / 5] or times
            result[name]["first_fifth_p50_ms"] = round(statistics.median(shallow), 1)
            result[name]["last_fifth_p50_ms"] = round(statistics.median(deep), 1)
    return result


def campaign_counts(session, base: str, headers: dict, campaign_id, participants: int, budget_s: float) -> dict:
    """Activity and statistics: p50 of 20 requests (fewer when ``budget_s`` runs out), and one answer of each."""
    result: dict = {"bodies": {}}
    for name in ("activity", "statistics"):
        url = f"{base}/api/campaigns/{campaign_id}/{name}"
        samples = sample(lambda url=url: timed(session, url, headers)[0], 20, 2, budget_s)
        result[name] = {"requests": len(samples), "p50_ms": round(statistics.median(samples), 1), "runs_ms":
                        [round(ms, 2) for ms in samples]}
        result["bodies"][name] = timed(session, url, headers)[1]
    assert result["bodies"]["activity"]["participations_count"] == participants, result["bodies"]["activity"]
    return result


def campaign_figures(session, base: str, headers: dict, campaign_id, organization_id, participants: int,
                     budget_s: float) -> dict:
    result = {}
    url = f"{base}/api/campaigns/{campaign_id}/collective-results"
    samples = sample(lambda: timed(session, url, headers)[0], 20, 2, budget_s)
    result["collective_results"] = {"requests": len(samples), "p50_ms": round(statistics.median(samples), 1)}
    url = f"{base}/api/organizations/{organization_id}/learners"
    params = {"page": 1, "page_size": PAGE_SIZE}
    _, body = timed(session, url, headers, params)
    assert body["total"] == participants and body["items"][0]["campaigns_count"] == 2, body["items"][0]
    samples = sample(lambda: timed(session, url, headers, params)[0], 50, 5, budget_s)
    result["organization_learners"] = p50_p99(samples)
    return result


# -- the consumer's handlers ------------------------------------------------------------------


def projection_events(ids: dict, campaign_id, learners: list, participations: int, now: datetime) -> list:
    """Four events per participation, as a class takes a test together: everyone starts, answers, finishes,
    then sends their results. Envelopes are the contracts' examples with the fields replaced."""
    from svckit.testing import example_envelope

    by_code, targets = {c["code"]: c for c in ids["competences"]}, set(ids["targets"])
    per_competence: dict[str, int] = {}
    for skill in ids["skills"]:
        if skill["id"] in targets:
            per_competence[skill["competence_code"]] = per_competence.get(skill["competence_code"], 0) + 1
    rng = random.Random(7)
    campaign_id, organization_id = str(campaign_id), str(ids["organization_id"])

    def envelope(event_type, aggregate_id, version, **payload):
        return example_envelope(event_type, aggregate_id=aggregate_id, aggregate_version=version,
                                contracts_from=ROOT, **payload)

    started, answered, completed, shared = [], [], [], []
    for n, (learner_id, user_id) in enumerate(learners[:participations]):
        participation_id, assessment_id = str(uuid.uuid4()), str(uuid.uuid4())
        at = now - timedelta(minutes=60 - n % 30)
        started.append(envelope(
            "campaigns.participation.started.v1", participation_id, 1, participation_id=participation_id,
            campaign_id=campaign_id, organization_id=organization_id, user_id=str(user_id),
            campaign_type="ASSESSMENT", participant_external_id=f"{n:010d}X", organization_learner_id=str(learner_id),
            is_improvement=False, started_at=at.isoformat()))
        answered.append(envelope(
            "assessment.answer.recorded.v1", assessment_id, 2, assessment_id=assessment_id,
            participation_id=participation_id, campaign_id=campaign_id, user_id=str(user_id),
            answered_at=(at + timedelta(minutes=5)).isoformat(), progress_rate=0.3154))
        completed.append(envelope(
            "assessment.assessment.completed.v1", assessment_id, 40, assessment_id=assessment_id,
            participation_id=participation_id, campaign_id=campaign_id, user_id=str(user_id),
            completed_at=(at + timedelta(minutes=30)).isoformat()))
        competences = []
        for code, target in sorted(per_competence.items()):
            validated = rng.randint(0, target)
            competences.append({"competence_code": code, "area_code": by_code[code]["area_code"],
                                "target_skills_count": target, "validated_skills_count": validated,
                                "tested_skills_count": target, "mastery_rate": round(validated / target, 4)})
        validated = sum(c["validated_skills_count"] for c in competences)
        profile = [{"competence_code": c["competence_code"], "area_code": c["area_code"],
                    "pix": 8 * c["validated_skills_count"], "level": min(5, c["validated_skills_count"] // 2)}
                   for c in competences]
        shared.append(envelope(
            "campaigns.participation.results_shared.v1", participation_id, 3, participation_id=participation_id,
            campaign_id=campaign_id, organization_id=organization_id, user_id=str(user_id),
            campaign_type="ASSESSMENT", shared_at=(at + timedelta(minutes=31)).isoformat(), results={
                "mastery_rate": round(validated / TARGET_SKILLS, 4), "validated_skills_count": validated,
                "target_skills_count": TARGET_SKILLS, "competences": competences,
                "profile": {"total_pix": sum(p["pix"] for p in profile),
                            "certifiable": sum(1 for p in profile if p["level"] >= 1) >= 5, "competences": profile}}))
    return started + answered + completed + shared


COUNT_TRIGGERS = ("participation_counts_insert", "participation_counts_update", "participation_counts_delete")


def projection_throughput(env: dict, ids: dict, participations: int, now: datetime, path: str) -> dict:
    """``path`` "now": with the running counts' triggers (migration 0006); "before": without them, as today."""
    from sqlalchemy import func, select, text

    from reporting.adapters import orm
    from reporting.bootstrap import bootstrap
    from reporting.config import Settings

    runtime = bootstrap(Settings.from_env(env))
    try:
        with runtime.engine.connect() as connection:
            learners = connection.execute(
                select(orm.learners.c.id, orm.learners.c.user_id)
                .where(orm.learners.c.organization_id == ids["organization_id"])
                .order_by(orm.learners.c.id).limit(participations)).all()
        campaign_id = ids["consumer_campaign_ids"][path]
        events = projection_events(ids, campaign_id, learners, participations, now)
        if path == "before":
            with runtime.engine.begin() as connection:
                for trigger in COUNT_TRIGGERS:
                    connection.execute(text(f"ALTER TABLE participations DISABLE TRIGGER {trigger}"))
        # Each handler by event type, built once as the consumer builds them (svckit.testing's handle_envelope
        # builds the subscriptions again for every event: a cost the consumer does not have).
        handlers = {event_type: s.handler for s in runtime.subscriptions() for event_type in s.event_types}
        by_type: dict[str, list[float]] = {}
        started = time.perf_counter()
        for envelope in events:
            began = time.perf_counter()
            handlers[envelope.event_type](envelope)
            by_type.setdefault(envelope.event_type, []).append((time.perf_counter() - began) * 1000)
        elapsed = time.perf_counter() - started
        with runtime.engine.connect() as connection:
            shared = connection.execute(select(func.count()).select_from(orm.participations).where(
                orm.participations.c.campaign_id == campaign_id,
                orm.participations.c.status == "SHARED")).scalar_one()
        assert shared == participations, f"{shared} of {participations} participations shared"
    finally:
        if path == "before":
            with runtime.engine.begin() as connection:
                for trigger in COUNT_TRIGGERS:
                    connection.execute(text(f"ALTER TABLE participations ENABLE TRIGGER {trigger}"))
        runtime.engine.dispose()
    return {"events": len(events), "participations": participations, "seconds": round(elapsed, 2),
            "events_per_second": round(len(events) / elapsed, 1),
            "ms_per_event": round(elapsed * 1000 / len(events), 2),
            "p50_ms_by_event_type": {event_type: round(statistics.median(samples), 2)
                                     for event_type, samples in by_type.items()}}


# -- the run ----------------------------------------------------------------------------------


def fresh_reporting_database(stack: ExitStack, name: str):
    """A database of its own with reporting's schema, dropped when ``stack`` closes: (its URL, an engine)."""
    from sqlalchemy import create_engine

    from svckit import migrations
    from svckit.config import normalize_database_url
    from svckit.testing import fresh_database

    database = stack.enter_context(fresh_database(name))
    migrations.upgrade(database, "reporting:migrations")
    engine = create_engine(normalize_database_url(database))
    stack.callback(engine.dispose)
    return database, engine


def bench(participants: int, requests_count: int, budget_s: float, exports: int, events_participations: int,
          old_ref: str) -> dict:
    import requests

    from svckit.testing import ServiceProcess, free_port, service_command, token_for

    sys.path.insert(0, str(ROOT / "bench"))
    from adaptive_test import serving_test_jwks  # a JWKS endpoint publishing svckit.testing's test key
    from old_code import old_pythonpath

    now = datetime.now(timezone.utc)
    with ExitStack() as stack:
        database, engine = fresh_reporting_database(stack, "bench_reporting")
        began = time.perf_counter()
        ids = fill(engine, participants, now)
        fill_s = time.perf_counter() - began
        print(f"fill: {participants:,} learners, 2 x {participants:,} participations (60% shared, 25% to share, "
              f"15% started) written in bulk and analyzed in {fill_s:.1f} s")

        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {"SERVICE_ENV": "test", "LOG_LEVEL": "WARNING", "DATABASE_URL": database,
               "JWKS_URL": stack.enter_context(serving_test_jwks())}
        old = old_pythonpath(old_ref, SOURCES, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        apis = {}
        for path, path_env in (("before", {**env, "PYTHONPATH": old}),
                               ("now", env)):
            port = free_port()
            api = ServiceProcess([*service_command("reporting"), "api", "--bind", f"127.0.0.1:{port}", "--workers",
                                  "1"], path_env, logs / f"reporting-{path}.log", f"http://127.0.0.1:{port}/health/ready")
            api.start()
            stack.callback(api.stop)
            apis[path] = (api, f"http://127.0.0.1:{port}")
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token_for(str(ids['member']), 'prof@example.org')}"}
        campaign_id = ids["campaign_id"]
        for api, base in apis.values():
            api.wait_ready()
            timed(session, f"{base}/api/campaigns/{campaign_id}/activity", headers)  # the worker's first request

        columns = 14 + 3 * 16 + 3 * 5  # up to the mastery, then 3 per competence and 3 per area
        runs: dict[str, list] = {"before": [], "now": []}
        for n in range(exports):  # today's path and the new one in turns, the same file each time
            for path, (api, base) in apis.items():
                run = export_once(session, f"{base}/api/campaigns/{campaign_id}/export.csv", headers,
                                  WorkerMemory(api.process.pid), participants, columns)
                runs[path].append(run)
                print(f"export {n + 1} {path:<6}: first byte {run['first_byte_ms']} ms (headers {run['headers_ms']} "
                      f"ms), first participant {run['first_row_ms']} ms, all {run['lines']:,} lines "
                      f"({run['bytes'] / 1e6:.1f} MB) in {run['total_s']} s; worker RSS {run['rss_before_mb']} MB "
                      f"before, peak {run['peak_mb']} MB (sampled {run['sampled_peak_mb']} MB), growth "
                      f"{run['growth_mb']} MB", flush=True)
        digests = {run["sha256"] for path in runs for run in runs[path]}
        assert len(digests) == 1, f"today's file and the new one differ: {digests}"
        print(f"today's file and the new one are the same bytes (sha256 {digests.pop()[:16]}...)")

        counts = {path: campaign_counts(session, base, headers, campaign_id, participants, budget_s / 2)
                  for path, (_api, base) in apis.items()}
        for name in ("activity", "statistics"):
            before, now_ = counts["before"][name], counts["now"][name]
            print(f"{name}: p50 {before['p50_ms']} ms today, {now_['p50_ms']} ms with the running counts "
                  f"({before['requests']} and {now_['requests']} requests)")
        assert counts["before"]["bodies"] == counts["now"]["bodies"], "activity or statistics differ"
        print("activity and statistics: the same answers from today's reading and the running counts")

        base = apis["now"][1]
        rng = random.Random(3)
        pages = participant_pages(session, base, headers, campaign_id, requests_count, budget_s, rng)
        for name, figures in pages.items():
            extra = (f"; pages in the first fifth p50 {figures['first_fifth_p50_ms']} ms, in the last fifth "
                     f"p50 {figures['last_fifth_p50_ms']} ms" if "first_fifth_p50_ms" in figures else "")
            print(f"participants page of {PAGE_SIZE}, {name} ({figures['total']:,} match, random pages of "
                  f"{figures['pages']:,}, {figures['requests']} requests): p50 {figures['p50_ms']} ms, "
                  f"p99 {figures['p99_ms']} ms{extra}")
        figures = campaign_figures(session, base, headers, campaign_id, ids["organization_id"], participants,
                                   budget_s / 2)
        learners = figures["organization_learners"]
        print(f"collective results p50 {figures['collective_results']['p50_ms']} ms "
              f"({figures['collective_results']['requests']} requests); organization learners, first page of "
              f"{PAGE_SIZE}: p50 {learners['p50_ms']} ms, p99 {learners['p99_ms']} ms ({learners['requests']} requests)")

        projection = {path: projection_throughput(env, ids, events_participations, now, path)
                      for path in ("before", "now")}
        for path, figures_ in projection.items():
            print(f"projection {path} ({'with' if path == 'now' else 'without'} the running counts' trigger): "
                  f"{figures_['events']:,} events ({figures_['participations']} participations started, answered, "
                  f"completed, shared) through the consumer handlers in-process in {figures_['seconds']} s: "
                  f"{figures_['events_per_second']} events/s, {figures_['ms_per_event']} ms each; p50 by event: "
                  + ", ".join(f"{event_type.split('.', 1)[1].rsplit('.', 1)[0]} {ms} ms"
                              for event_type, ms in figures_["p50_ms_by_event_type"].items()))
    return {"participants": participants, "participations_in_table": 2 * participants + 2 * events_participations,
            "fill_seconds": round(fill_s, 1), "old_ref": old_ref, "export": runs, "counts": counts,
            "participant_pages": pages, "figures": figures, "projection": projection}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--exports", type=int, default=3, help="exports of each path (today's, the new one), in turns")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per participant-list series")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds of measured requests per participant-list series, at most (10 requests at "
                             "least); half of it for each of the other endpoints")
    parser.add_argument("--old-ref", default="main", help="today's code, for the old path (git archive)")
    parser.add_argument("--json", type=Path, help="issue 18's rows (bench/README.md) written to this file")
    parser.add_argument("--quick", action="store_true", help="5,000 participants, to try it out")
    args = parser.parse_args(argv)
    if args.quick:
        args.participants = 5_000
    return args


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def issue18_rows(figures: dict) -> list[dict]:
    """Issue 18's rows (its bench protocol): today's path and the new one, medians of their runs."""
    runs, counts = figures["export"], figures["counts"]
    size = f"{figures['participants']:,} participations"
    rows = [{"key": "export_100k_s", "label": f"CSV export of {size}, whole file", "unit": "s",
             "goal": GOALS["export_100k_s"], "better": "lower",
             **{path: median([r["total_s"] for r in runs[key]]) for path, key in (("before", "before"), ("now", "now"))},
             "runs_before": [r["total_s"] for r in runs["before"]], "runs_now": [r["total_s"] for r in runs["now"]],
             "notes": "one gunicorn worker over HTTP, read as a stream; the same bytes from both paths (sha256)"}]
    for name in ("activity", "statistics"):
        rows.append({"key": f"{name}_ms", "label": f"{name} of a campaign of {size} (p50)", "unit": "ms",
                     "goal": GOALS[f"{name}_ms"], "better": "lower", "before": counts["before"][name]["p50_ms"],
                     "now": counts["now"][name]["p50_ms"], "runs_before": counts["before"][name]["runs_ms"],
                     "runs_now": counts["now"][name]["runs_ms"], "notes": "the same answers from both paths"})
    before_first = median([r["first_byte_ms"] for r in runs["before"]])
    extra = [("export_first_byte_ms", "CSV export: first byte", "first_byte_ms", "ms", before_first),
             ("export_first_row_ms", "CSV export: first participant's line", "first_row_ms", "ms",
              median([r["first_row_ms"] for r in runs["before"]])),
             ("export_memory_growth_mb", "CSV export: the api worker's peak resident memory over its memory before",
              "growth_mb", "MB", 10)]
    for key, label, field, unit, goal in extra:
        rows.append({"key": key, "label": label, "unit": unit, "goal": goal, "better": "lower",
                     "before": median([r[field] for r in runs["before"]]), "now": median([r[field] for r in runs["now"]]),
                     "runs_before": [r[field] for r in runs["before"]], "runs_now": [r[field] for r in runs["now"]],
                     "notes": "goal: as today (today's median)" if unit == "ms" else "goal: flat (a few MB at most)"})
    projection = figures["projection"]
    rows.append({"key": "reporting_projection_events_per_s", "label": "reporting's handlers in-process, events/s "
                 "(start, answer, completion, share), without and with the running counts' trigger", "unit": "events/s",
                 "goal": None, "better": "higher", "before": projection["before"]["events_per_second"],
                 "now": projection["now"]["events_per_second"], "runs_before": [projection["before"]["events_per_second"]],
                 "runs_now": [projection["now"]["events_per_second"]],
                 "notes": "one run each, one event per transaction: the cost the counts add to the consumer"})
    return rows


def main() -> None:
    args = parse_args()
    events_participations = 250 if args.quick else 750
    figures = bench(args.participants, args.requests, args.budget, args.exports, events_participations, args.old_ref)
    rows = issue18_rows(figures)
    print("\nissue 18 (medians; today -> now, goal):")
    for row in rows:
        ratio = f", x{row['before'] / row['now']:.1f}" if row["before"] and row["now"] else ""
        print(f"  {row['key']}: {row['before']} -> {row['now']} {row['unit']} (goal {row['goal']}{ratio})")
    results = {"at": datetime.now(timezone.utc).isoformat(), "reporting_export": figures}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / "reporting_export.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nfigures written to {path.relative_to(ROOT)}")
    if args.json:
        load = os.getloadavg()[0]
        args.json.write_text(json.dumps({"bench": "reporting_export.py", "date": datetime.now(timezone.utc).isoformat(),
                                         "machine": f"{os.cpu_count()} cores, load {load:.2f}", "rows": rows},
                                        indent=2))
        print(f"issue 18's rows written to {args.json}")


if __name__ == "__main__":
    sys.exit(main())
