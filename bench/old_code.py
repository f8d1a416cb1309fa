"""Another commit's code beside this tree's, for a bench that runs the old path and the new one in the same run:
``git archive`` of the named source folders into a temporary folder, put first on the processes' PYTHONPATH
(same virtualenv, same database schema)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def old_pythonpath(ref: str, sources: tuple[str, ...], into: Path) -> str:
    """The PYTHONPATH that runs ``ref``'s code of ``sources`` (each a ``src`` folder of the repository)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, *sources], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return os.pathsep.join(str(into / source) for source in sources)
