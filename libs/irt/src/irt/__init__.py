"""The certification test's psychometrics, written once for assessment (choosing the next
question) and certification (scoring, scoring again after a neutralization).

- ``irt.model``: the 2-parameter logistic model, the capacity estimate (EAP) and its error;
- ``irt.selection``: the rules of the next question, the test's length and configuration;
- ``irt.derivation``: item parameters from skill levels, while none is calibrated;
- ``irt.calibration``: (a, b) fitted from recorded answers (EM, marginal likelihood);
- ``irt.scale``: the versioned scale, capacity -> score 0..895, global and competence levels;
- ``irt.scoring``: the status of a test, the degradation of an abandoned one, its result.

Pure Python except calibration (numpy); no framework, no I/O but reading the scale files.
"""

from irt.derivation import DEFAULT_DISCRIMINATION, derived_difficulty, derived_item
from irt.model import GRID, Estimate, Item, Response, estimate, information, posterior, probability
from irt.scale import Scale, UnknownScale, available_scales, load_scale
from irt.scoring import AbortReason, Decision, Reason, Result, Status, decide, score_test, simulate_skips
from irt.selection import IrtError, NoItemLeft, TestComplete, TestRules, candidates, next_item, pick

__all__ = [
    "DEFAULT_DISCRIMINATION", "GRID", "AbortReason", "Decision", "Estimate", "IrtError", "Item", "NoItemLeft",
    "Reason", "Response", "Result", "Scale", "Status", "TestComplete", "TestRules", "UnknownScale",
    "available_scales", "candidates", "decide", "derived_difficulty", "derived_item", "estimate", "information",
    "load_scale", "next_item", "pick", "posterior", "probability", "score_test", "simulate_skips",
]
