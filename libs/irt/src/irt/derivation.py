"""Item parameters derived from skill levels, while no calibrated parameter exists.

The content pack gives each question the level (1 to 8) of its skill, not a difficulty
and a discrimination fitted on answers. Until ``irt.calibration`` has enough answers to fit
them, the parameters are derived:

**Difficulty.** A learner "has level L" in a competence when they master its skills up to
level L. On the scale, level L of a competence begins at the capacity ``start(L)`` of that
competence's intervals (v1: −2, −1, 0.5, 1, 2, 3, 4 for levels 1 to 7). A learner who just
reached level L should be as likely as not to answer a level-L question right, so

    b(L) = start(L)

which puts P = ½ at the level's entry, P > ½ inside the level and above, P < ½ below.
Level 8 lies beyond the scale's last competence level; its start is extrapolated with the
width of the level before it (4 + (4 − 3) = 5 on v1).

**Discrimination.** One value for every item, 1.5: at that slope P goes from about 0.32 to
0.68 across one unit of capacity around b, i.e. a level-L question separates well the
learners one level below from those one level above (the v1 levels are 0.5 to 1.5 wide).
Calibrated item banks of this kind commonly have discriminations between 0.5 and 3 with a
middle around 1.5; a value too high would make the test over-confident on a mis-placed
item, too low would waste questions.

These are assumptions, not measurements: the simulation bench measures the test *under*
this model, and ``assessment calibration fit`` replaces them item by item as answers come.
"""

from __future__ import annotations

from irt.model import Item
from irt.scale import Scale, load_scale

DEFAULT_DISCRIMINATION = 1.5
MIN_LEVEL, MAX_LEVEL = 1, 8


def derived_difficulty(level: int, scale: Scale | None = None, competence: str = "default") -> float:
    """b for a skill of ``level``: where that competence level begins on the scale's capacity axis."""
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"a skill level is {MIN_LEVEL} to {MAX_LEVEL}, not {level}")
    return (scale or load_scale()).level_start(level, competence)


def derived_item(id: str, level: int, *, tube: str = "", competence: str = "", skill: str = "",
                 scale: Scale | None = None, discrimination: float = DEFAULT_DISCRIMINATION) -> Item:
    """An item whose parameters come from its skill's level (see the module's reasoning)."""
    return Item(id=id, difficulty=derived_difficulty(level, scale, competence or "default"),
                discrimination=discrimination, tube=tube, competence=competence, skill=skill)
