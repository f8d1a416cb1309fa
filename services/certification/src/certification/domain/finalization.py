"""Finalization: what the centre reports once the session is over, and the automatic jury that reads it.

**The centre's report** (the reference's §7.1). For each candidate who started: whether they saw the
end screen, why they stopped if they did not finish (``candidate``: out of time or left early;
``technical``: a technical problem), free comments, and incident reports with the national categories
and codes below; for the session, a global comment. A candidate who did not finish needs an abort
reason (``UNTERMINATED_CERTIFICATION_WITHOUT_ABORT_REASON``); one who finished has none (it is dropped,
and the answer says so). A session is finalized once, only when at least one candidate started, and
never while a test is still running: its outcome is not known yet (``CANDIDATE_STILL_IN_PROGRESS``;
the invigilator ends it first).

**Incident reports** (§7.2) are data: a category, for two of them a subcategory, a code the centre's
staff know from the national guide (C1 to C8, E1 to E12) and labels in French and English. Reports
under deprecated categories are read in old sessions but no longer accepted.

**The automatic jury** (§7.3), run at finalization. A problem reported on question *n* during the
test (``IN_CHALLENGE``) neutralizes that question when the fault lies with the platform and the
candidate lost by it: only if the answer was wrong, skipped or timed out. A right answer stays (it
would be unfair to take a right answer away: "not neutralized, the answer is right"). Per subcategory:

| subcategory | rule |
|---|---|
| website blocked or unavailable, software not working, skip after an error page, accessibility | neutralized if not right |
| image, embed or file not working | needs the question's media, which the test's outcome does not carry: left to the jury, unless the answer is right (kept) |
| extra time exceeded | neutralized if the answer timed out (the question was timed); otherwise left to the jury (kept if right) |
| unintentional focus out | neutralized if skipped; otherwise left to the jury |
| a question the candidate never reached | left to the jury |

Other categories are never resolved automatically. A session is **publishable** without a look when
it has no global comment and no impactful report left unresolved (FRAUD, and every ``IN_CHALLENGE``
or name/birth date change); a platform admin reviews it either way before publishing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from certification.domain import exceptions as e

CANDIDATE, TECHNICAL = "candidate", "technical"
ABORT_REASONS = (CANDIDATE, TECHNICAL)
MAX_COMMENT = 500
MAX_GLOBAL_COMMENT = 2000
MAX_QUESTION_NUMBER = 500


@dataclass(frozen=True)
class Category:
    code: str  # what the centre's staff read in the national guide
    label_fr: str
    label_en: str
    description_required: bool = False
    deprecated: bool = False
    impactful: bool = False
    subcategories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subcategory:
    name: str
    code: str  # the national guide's (C1, E1 ...); "" for the deprecated ones
    label_fr: str
    label_en: str
    impactful: bool = False
    deprecated: bool = False


CATEGORIES: dict[str, Category] = {
    "CANDIDATE_INFORMATIONS_CHANGES": Category(
        "C1-C2", "Modification des informations du candidat", "Change of the candidate's information",
        description_required=True, subcategories=("NAME_OR_BIRTHDATE", "EXTRA_TIME_PERCENTAGE")),
    "SIGNATURE_ISSUE": Category("C4", "Problème de signature", "Signature issue", description_required=True),
    "FRAUD": Category("C6", "Suspicion de fraude", "Suspected fraud", impactful=True),
    "NON_BLOCKING_TECHNICAL_ISSUE": Category("C7", "Problème technique non bloquant", "Non-blocking technical issue",
                                             description_required=True),
    "NON_BLOCKING_CANDIDATE_ISSUE": Category("C8", "Problème du candidat non bloquant",
                                             "Non-blocking candidate issue", description_required=True),
    "IN_CHALLENGE": Category("E1-E12", "Problème sur une question", "Problem on a question", subcategories=(
        "IMAGE_NOT_DISPLAYING", "EMBED_NOT_WORKING", "FILE_NOT_OPENING", "WEBSITE_UNAVAILABLE", "WEBSITE_BLOCKED",
        "EXTRA_TIME_EXCEEDED", "SOFTWARE_NOT_WORKING", "UNINTENTIONAL_FOCUS_OUT", "SKIP_ON_OOPS",
        "ACCESSIBILITY_ISSUE", "LINK_NOT_WORKING", "OTHER", "LEFT_EXAM_ROOM")),
    "TECHNICAL_PROBLEM": Category("A1", "Problème technique", "Technical problem", description_required=True,
                                  deprecated=True, impactful=True),
    "OTHER": Category("A2", "Autre incident", "Other incident", deprecated=True, impactful=True),
    "LATE_OR_LEAVING": Category("C3", "Retard, absence ou départ", "Late, absent or leaving", deprecated=True),
    "CONNECTION_OR_END_SCREEN": Category("C5", "Problème de connexion ou d'écran de fin",
                                         "Connection or end screen problem", deprecated=True),
}

SUBCATEGORIES: dict[str, Subcategory] = {s.name: s for s in (
    Subcategory("NAME_OR_BIRTHDATE", "C1", "Modification du prénom, du nom ou de la date de naissance",
                "Change of the first name, last name or birth date", impactful=True),
    Subcategory("EXTRA_TIME_PERCENTAGE", "C2", "Ajout ou modification du temps majoré",
                "Extra time added or changed"),
    Subcategory("IMAGE_NOT_DISPLAYING", "E1", "L'image ne s'affiche pas", "The image does not display",
                impactful=True),
    Subcategory("EMBED_NOT_WORKING", "E2", "Le simulateur ou l'application ne fonctionne pas",
                "The simulator or application does not work", impactful=True),
    Subcategory("FILE_NOT_OPENING", "E3", "Le fichier à télécharger ne s'ouvre pas",
                "The file to download does not open", impactful=True),
    Subcategory("WEBSITE_UNAVAILABLE", "E4", "Le site à visiter est indisponible",
                "The website to visit is unavailable", impactful=True),
    Subcategory("WEBSITE_BLOCKED", "E5", "Le site est bloqué par les restrictions de l'établissement",
                "The website is blocked by the centre's restrictions", impactful=True),
    Subcategory("EXTRA_TIME_EXCEEDED", "E8", "Le candidat bénéficie d'un temps majoré et n'a pas pu répondre dans le "
                "temps imparti", "The candidate has extra time and could not answer in the time given",
                impactful=True),
    Subcategory("SOFTWARE_NOT_WORKING", "E9", "Le logiciel installé sur l'ordinateur ne fonctionne pas",
                "The software installed on the computer does not work", impactful=True),
    Subcategory("UNINTENTIONAL_FOCUS_OUT", "E10", "Le candidat est sorti de la page involontairement",
                "The candidate left the page unintentionally", impactful=True),
    Subcategory("SKIP_ON_OOPS", "E11", "Le candidat a été contraint de passer la question après une page d'erreur",
                "The candidate had to skip the question after an error page", impactful=True),
    Subcategory("ACCESSIBILITY_ISSUE", "E12", "Problème d'accessibilité de la question",
                "Accessibility problem with the question", impactful=True),
    Subcategory("LINK_NOT_WORKING", "", "Le lien ne fonctionne pas", "The link does not work", impactful=True,
                deprecated=True),
    Subcategory("OTHER", "", "Autre problème sur la question", "Other problem on the question", impactful=True,
                deprecated=True),
    Subcategory("LEFT_EXAM_ROOM", "", "Le candidat a quitté la salle", "The candidate left the room", impactful=True,
                deprecated=True),
)}

# Automatic resolutions (the code kept with the report; the faces translate them).
NEUTRALIZED = "NEUTRALIZED"
KEPT_RIGHT_ANSWER = "NOT_NEUTRALIZED_RIGHT_ANSWER"
NEUTRALIZE_WITHOUT_CHECK = frozenset({"WEBSITE_BLOCKED", "WEBSITE_UNAVAILABLE", "SOFTWARE_NOT_WORKING", "SKIP_ON_OOPS",
                                      "ACCESSIBILITY_ISSUE"})
NEEDS_THE_QUESTIONS_MEDIA = frozenset({"IMAGE_NOT_DISPLAYING", "EMBED_NOT_WORKING", "FILE_NOT_OPENING"})
NOT_RIGHT = frozenset({"ko", "skipped", "timed_out"})


def catalogue() -> dict[str, Any]:
    """The categories and subcategories, as the faces list them."""
    return {"categories": [{"category": name, "code": c.code, "label_fr": c.label_fr, "label_en": c.label_en,
                            "description_required": c.description_required, "deprecated": c.deprecated,
                            "subcategories": [{"subcategory": s, "code": SUBCATEGORIES[s].code,
                                               "label_fr": SUBCATEGORIES[s].label_fr,
                                               "label_en": SUBCATEGORIES[s].label_en,
                                               "deprecated": SUBCATEGORIES[s].deprecated}
                                              for s in c.subcategories]}
                           for name, c in CATEGORIES.items()]}


@dataclass
class IssueReport:
    category: str
    subcategory: str | None = None
    description: str | None = None
    question_number: int | None = None
    resolved: bool = False
    resolution: str | None = None  # NEUTRALIZED, NOT_NEUTRALIZED_RIGHT_ANSWER, or the jury's words

    @classmethod
    def checked(cls, *, category: str | None, subcategory: str | None = None, description: str | None = None,
                question_number: int | None = None) -> IssueReport:
        found = CATEGORIES.get(category or "")
        if found is None or found.deprecated:
            raise e.Invalid("ISSUE_REPORT_CATEGORY_NOT_VALID", "This is not an incident category in use.",
                            field="category", value=category)
        description = (description or "").strip() or None
        if found.description_required and description is None:
            raise e.Invalid("ISSUE_REPORT_DESCRIPTION_REQUIRED", "This incident needs its description.",
                            field="description", category=category)
        if description is not None and len(description) > MAX_COMMENT:
            raise e.Invalid("ISSUE_REPORT_DESCRIPTION_TOO_LONG", f"A description has {MAX_COMMENT} characters at "
                            "most.", field="description")
        if found.subcategories:
            sub = SUBCATEGORIES.get(subcategory or "")
            if subcategory not in found.subcategories or sub is None or sub.deprecated:
                raise e.Invalid("ISSUE_REPORT_SUBCATEGORY_NOT_VALID", "This incident needs one of its category's "
                                "subcategories.", field="subcategory", value=subcategory, category=category)
        elif subcategory:
            raise e.Invalid("ISSUE_REPORT_SUBCATEGORY_NOT_VALID", "This category has no subcategory.",
                            field="subcategory", value=subcategory, category=category)
        if category == "IN_CHALLENGE":
            if question_number is None or not 1 <= question_number <= MAX_QUESTION_NUMBER:
                raise e.Invalid("ISSUE_REPORT_QUESTION_NUMBER_REQUIRED", "A problem on a question names the "
                                f"question's number (1 to {MAX_QUESTION_NUMBER}).", field="question_number")
        else:
            question_number = None
        return cls(category, subcategory or None, description, question_number)

    @property
    def code(self) -> str:
        """The national guide's code: the subcategory's when it has one (C1, E4...), else the category's."""
        sub = SUBCATEGORIES.get(self.subcategory or "")
        return sub.code if sub is not None and sub.code else CATEGORIES[self.category].code

    @property
    def impactful(self) -> bool:
        if CATEGORIES[self.category].impactful:
            return True
        return self.category == "IN_CHALLENGE" or (
            self.subcategory in SUBCATEGORIES and SUBCATEGORIES[self.subcategory].impactful)


@dataclass
class CandidateReport:
    """What the centre says of one candidate who started."""

    has_seen_end_screen: bool = False
    abort_reason: str | None = None
    comment: str | None = None
    issue_reports: list[IssueReport] = field(default_factory=list)

    @classmethod
    def checked(cls, *, finished: bool, has_seen_end_screen: bool = False, abort_reason: str | None = None,
                comment: str | None = None, issue_reports: Iterable[Mapping[str, Any]] = ()) -> tuple[
            CandidateReport, bool]:
        """The report, and whether an abort reason given for a finished test was dropped."""
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > MAX_COMMENT:
            raise e.Invalid("CANDIDATE_COMMENT_TOO_LONG", f"A comment has {MAX_COMMENT} characters at most.",
                            field="comment")
        if abort_reason is not None and abort_reason not in ABORT_REASONS:
            raise e.Invalid("ABORT_REASON_NOT_VALID", "The abort reason is 'candidate' or 'technical'.",
                            field="abort_reason", value=abort_reason)
        dropped = False
        if finished and abort_reason is not None:
            abort_reason, dropped = None, True
        if not finished and abort_reason is None:
            raise e.RuleBroken("UNTERMINATED_CERTIFICATION_WITHOUT_ABORT_REASON", "A candidate who did not finish "
                               "the test needs an abort reason.", field="abort_reason")
        reports = [IssueReport.checked(**dict(r)) for r in issue_reports]
        return cls(bool(has_seen_end_screen), abort_reason, comment, reports), dropped


def checked_global_comment(comment: str | None) -> str | None:
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > MAX_GLOBAL_COMMENT:
        raise e.Invalid("GLOBAL_COMMENT_TOO_LONG", f"The global comment has {MAX_GLOBAL_COMMENT} characters at most.",
                        field="global_comment")
    return comment


def auto_jury(reports: list[IssueReport], answers: list[Mapping[str, Any]]) -> set[str]:
    """Resolve what can be resolved of one candidate's reports, in place; returns the challenges to neutralize.

    ``answers`` are the test's answers in the order asked (``index`` from 1, ``challenge_id``, ``status``)."""
    by_number = {int(a["index"]): a for a in answers}
    neutralized: set[str] = set()
    for report in reports:
        if report.category != "IN_CHALLENGE" or report.resolved:
            continue
        answer = by_number.get(report.question_number or 0)
        if answer is None:
            continue  # a question the candidate never reached: the jury looks
        status, sub = answer["status"], report.subcategory
        if status == "ok" and (sub in NEUTRALIZE_WITHOUT_CHECK or sub in NEEDS_THE_QUESTIONS_MEDIA
                               or sub == "EXTRA_TIME_EXCEEDED"):
            report.resolved, report.resolution = True, KEPT_RIGHT_ANSWER
            continue
        neutralize = (sub in NEUTRALIZE_WITHOUT_CHECK and status in NOT_RIGHT) or \
            (sub == "EXTRA_TIME_EXCEEDED" and status == "timed_out") or \
            (sub == "UNINTENTIONAL_FOCUS_OUT" and status == "skipped")
        if neutralize:
            report.resolved, report.resolution = True, NEUTRALIZED
            neutralized.add(answer["challenge_id"])
    return neutralized


def publishable(global_comment: str | None, reports: Iterable[IssueReport]) -> bool:
    return global_comment is None and not any(r.impactful and not r.resolved for r in reports)
