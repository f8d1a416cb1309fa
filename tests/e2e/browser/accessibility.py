"""An automatic accessibility check of a page with axe-core (web/node_modules, pinned by the
web package), run inside the page through the DevTools protocol so the page's
Content-Security-Policy does not have to allow it.

It checks what a machine can: WCAG 2.1 A and AA rules (labels, names, contrast, landmarks,
headings, ARIA use, document language). Focus order and keyboard use are checked by the
journeys themselves (they fill forms with the keyboard where it matters).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).parents[3] / "web" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    if not AXE.is_file():
        raise AssertionError(f"axe-core is not installed at {AXE}: run 'make install'")
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {_axe_source()}\n }}")
        page.evaluate("() => { window.axe = window.axe || globalThis.axe; }")
    return page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                         ".then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                         " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))", TAGS)


def assert_accessible(page: Page, where: str = "") -> None:
    """No WCAG A/AA violation that axe finds on the page as it is now."""
    found = violations(page)
    assert not found, f"accessibility problems {where or page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found)
