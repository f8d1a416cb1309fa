"""The scale: from a capacity to a score from 0 to 895, a global level and a level per competence.

A scale is versioned configuration (``scales/<version>.json``), never code: a certificate
keeps the version it was scored with, and a new calibration is a new file, so results
already published never move.

**Score.** The capacity axis is cut into intervals, one per global ("mesh") level, each
with a weight and a coefficient. In interval i = [min_i, max_i) the capacity's progression
through the interval, ``1 − (max_i − θ)/(max_i − min_i)``, goes from 0 to 1, and

    score = floor(weight_i × (coefficient_i + progression))

so each level covers ``weight_i`` points, stacked: 0–63, 64–127, 128–255, 256–383 ... up to
768–895. Below the first interval the score is 0; above the last, and at its very top, the
maximum reachable score, 895 (seven levels of 16 competences of 8 pix, minus one).

**Levels.** The global level is the interval the capacity falls in. Each competence has its
own intervals for levels 0 to 7 (the extreme ones open towards infinity); the v1 scale gives
every competence the same ones.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DEFAULT_VERSION = "v1"


class UnknownScale(LookupError):
    code = "UNKNOWN_SCALE"


@dataclass(frozen=True)
class MeshInterval:
    mesh_level: int
    key: str
    min: float
    max: float
    weight: int
    coefficient: int


@dataclass(frozen=True)
class LevelInterval:
    level: int
    min: float  # -inf for the lowest
    max: float  # +inf for the highest


@dataclass(frozen=True)
class Scale:
    version: str
    max_score: int
    mesh: tuple[MeshInterval, ...]  # in increasing capacity
    competence_intervals: dict[str, tuple[LevelInterval, ...]]  # by competence code, "default" for the others

    def score(self, capacity: float) -> int:
        """The score 0..max_score of a capacity (the floor of weight × (coefficient + progression))."""
        first, last = self.mesh[0], self.mesh[-1]
        if capacity < first.min:
            return 0
        if capacity >= last.max:
            return self.max_score
        interval = self._mesh_interval(capacity)
        progression = 1 - (interval.max - capacity) / (interval.max - interval.min)
        return min(math.floor(interval.weight * (interval.coefficient + progression)), self.max_score)

    def mesh_level(self, capacity: float) -> MeshInterval:
        """The global level of a capacity: the interval it falls in (the first below, the last above)."""
        if capacity < self.mesh[0].min:
            return self.mesh[0]
        return self._mesh_interval(capacity)

    def mesh_level_of_score(self, score: int) -> MeshInterval:
        """The global level of a score: the weights stacked (0–63 is level 0, 64–127 level 1, ...)."""
        ceiling = 0
        for interval in self.mesh:
            ceiling += interval.weight
            if score < ceiling:
                return interval
        return self.mesh[-1]

    def competence_level(self, capacity: float, competence: str) -> int:
        """The level 0..7 of one competence for this capacity."""
        intervals = self.competence_intervals.get(competence) or self.competence_intervals["default"]
        for interval in intervals:
            if capacity < interval.max:
                return interval.level
        return intervals[-1].level

    def competence_levels(self, capacity: float, competences: list[str] | tuple[str, ...]) -> dict[str, int]:
        return {code: self.competence_level(capacity, code) for code in competences}

    def level_start(self, level: int, competence: str = "default") -> float:
        """Where a competence level begins on the capacity axis (extrapolated above the top level)."""
        intervals = self.competence_intervals.get(competence) or self.competence_intervals["default"]
        starts = [i.min for i in intervals]
        top = len(starts) - 1
        if level <= top:
            return starts[level]
        return starts[top] + (level - top) * (starts[top] - starts[top - 1])

    def _mesh_interval(self, capacity: float) -> MeshInterval:
        for interval in self.mesh:
            if capacity < interval.max:
                return interval
        return self.mesh[-1]


def _bound(value: float | None, infinity: float) -> float:
    return infinity if value is None else float(value)


def scale_from_document(document: dict) -> Scale:
    mesh = tuple(MeshInterval(mesh_level=m["mesh_level"], key=m["key"], min=float(m["min"]), max=float(m["max"]),
                              weight=int(m["weight"]), coefficient=int(m["coefficient"])) for m in document["global"])
    competences = {code: tuple(LevelInterval(level=i["level"], min=_bound(i["min"], -math.inf),
                                             max=_bound(i["max"], math.inf)) for i in intervals)
                   for code, intervals in document["competences"].items()}
    return Scale(version=document["version"], max_score=int(document["max_score"]), mesh=mesh,
                 competence_intervals=competences)


@cache
def load_scale(version: str = DEFAULT_VERSION) -> Scale:
    """The scale shipped with the library under that version id (``UnknownScale`` when there is none)."""
    if version not in available_scales():  # a name from outside never becomes a path
        raise UnknownScale(f"no scale {version!r} (known: {', '.join(available_scales())})")
    resource = files("irt").joinpath("scales", f"{version}.json")
    return scale_from_document(json.loads(resource.read_text(encoding="utf-8")))


def available_scales() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in files("irt").joinpath("scales").iterdir()
                  if p.name.endswith(".json"))
