"""The certificate names the 16 competences and their 5 areas in the learner face's own words (its locale files,
``learner.framework.*``), since the public verification page has no account to ask assessment for them. They
must be the content pack's framework, word for word, in both languages; and the face's list of areas and
competences (components/Certificate.jsx, FRAMEWORK) must be the framework's, in its order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = ROOT / "services" / "assessment" / "src" / "assessment" / "content_pack" / "framework.yaml"
LOCALES = ROOT / "web" / "src" / "learner" / "locales"
CERTIFICATE = ROOT / "web" / "src" / "learner" / "components" / "Certificate.jsx"


def framework() -> list[dict]:
    return yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))["areas"]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_learner_face_names_areas_and_competences_as_the_content_pack_does(locale):
    words = json.loads((LOCALES / f"{locale}.json").read_text(encoding="utf-8"))
    expected = {}
    for area in framework():
        expected[f"learner.framework.area.{area['code']}"] = area["name"][locale]
        for competence in area["competences"]:
            expected[f"learner.framework.competence.{competence['code']}"] = competence["name"][locale]
    named = {key: text for key, text in words.items() if key.startswith("learner.framework.")}
    assert named == expected


def test_the_certificate_lists_the_frameworks_areas_and_competences_in_order():
    source = CERTIFICATE.read_text(encoding="utf-8")
    block = re.search(r"export const FRAMEWORK = \[(.*?)\n\];", source, re.S)
    assert block, "FRAMEWORK not found in Certificate.jsx"
    listed = [(area, re.findall(r'"(\d\.\d)"', codes))
              for area, codes in re.findall(r'\["(\d)", \[([^\]]*)\]\]', block.group(1))]
    assert listed == [(a["code"], [c["code"] for c in a["competences"]]) for a in framework()]
