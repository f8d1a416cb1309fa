"""The competences' names printed on attestations are the framework's, as assessment's content pack says them."""

from pathlib import Path

import yaml

from certification.domain import attestations

FRAMEWORK = Path(__file__).parents[4] / "services/assessment/src/assessment/content_pack/framework.yaml"


def test_the_attestations_name_the_areas_and_competences_as_the_content_pack_does():
    framework = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    areas = [(area["code"], area["name"]["fr"], tuple(c["code"] for c in area["competences"]))
             for area in framework["areas"]]
    assert areas == list(attestations.AREAS)
    names = {c["code"]: c["name"]["fr"] for area in framework["areas"] for c in area["competences"]}
    assert names == attestations.COMPETENCE_NAMES
