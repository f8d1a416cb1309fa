import uuid
from fractions import Fraction

from assessment_builders import T0, content, tube

from assessment.domain.knowledge import DIRECT, INVALIDATED, VALIDATED, KnowledgeElement, profile

# 1.1 has three tubes up to level 5: each level of the competence is shared by three skills.
RELEASE = content({"1.1": [tube("recherche"), tube("sources"), tube("veille")],
                   "1.2": [tube("fichiers", 8), tube("formats", 8), tube("stockage", 8)],
                   "2.1": [tube("courriel"), tube("visio"), tube("netiquette")],
                   "2.2": [tube("partage"), tube("licences"), tube("publication")],
                   "3.1": [tube("miseEnForme"), tube("stylesTitres"), tube("miseEnPage")],
                   "4.1": [tube("motsDePasse"), tube("hameconnage"), tube("misesAJour")]})


def element(skill_id: str, status: str = VALIDATED, minutes: int = 0) -> KnowledgeElement:
    skill = RELEASE.skills[skill_id]
    return KnowledgeElement(uuid.uuid4(), uuid.UUID(int=1), uuid.UUID(int=2), skill_id, skill.competence_code, status,
                            DIRECT, skill.pix_value if status == VALIDATED else Fraction(0),
                            T0.replace(minute=minutes))


def scores(elements, max_level: int = 5):
    return {c.competence_code: (c.pix, c.level) for c in profile(RELEASE, elements, max_level).competences}


def test_each_level_of_a_competence_is_worth_8_pix_shared_by_its_skills():
    assert RELEASE.skills["recherche1"].pix_value == Fraction(8, 3)
    three_level_1 = [element("recherche1"), element("sources1"), element("veille1")]
    assert scores(three_level_1)["1.1"] == (8, 1)  # exactly 8, not 7.99


def test_the_level_is_the_pix_divided_by_8_rounded_down():
    elements = [element(f"{t}{n}") for t in ("recherche", "sources", "veille") for n in (1, 2)] + [element("veille3")]
    assert scores(elements)["1.1"] == (18, 2)


def test_level_and_pix_are_capped_at_the_highest_level_open():
    everything = [element(f"{t}{n}") for t in ("fichiers", "formats", "stockage") for n in range(1, 9)]
    assert scores(everything)["1.2"] == (40, 5)
    assert scores(everything, max_level=8)["1.2"] == (64, 8)


def test_the_latest_element_of_a_skill_is_the_one_that_counts():
    assert scores([element("recherche1", VALIDATED, 1), element("recherche1", INVALIDATED, 2)])["1.1"] == (0, 0)
    assert scores([element("recherche1", INVALIDATED, 1), element("recherche1", VALIDATED, 2)])["1.1"][0] == 2


def test_certifiable_means_level_1_in_at_least_5_competences():
    def level_one(competences):
        tubes = {"1.1": ("recherche", "sources", "veille"), "2.1": ("courriel", "visio", "netiquette"),
                 "2.2": ("partage", "licences", "publication"), "3.1": ("miseEnForme", "stylesTitres", "miseEnPage"),
                 "4.1": ("motsDePasse", "hameconnage", "misesAJour"), "1.2": ("fichiers", "formats", "stockage")}
        return [element(f"{t}1") for c in competences for t in tubes[c]]

    four = profile(RELEASE, level_one(["1.1", "2.1", "2.2", "3.1"]), 5)
    five = profile(RELEASE, level_one(["1.1", "2.1", "2.2", "3.1", "4.1"]), 5)
    assert not four.certifiable and five.certifiable
    assert five.total_pix == 40
