"""Attestations as PDF, with reportlab: one A4 page per certificate, the texts of ``domain.attestations``.

**Page by page.** reportlab's canvas compresses each page's drawing as soon as the page is finished
(``showPage``) and keeps only those compressed streams (a few kB a page) until ``save`` writes the file:
a school of 1,000 pupils is about 8 MB of memory while it is built, whatever the certificates' source, which
is read one at a time (bench/attestations.py measures it). The file goes to ``out``: the API gives a temporary
file, so a class never sits in memory as bytes.

**The font** is Bitstream Vera, which reportlab ships in its wheel (so every image has it, no system font):
embedded as a subset of the glyphs used, with a Unicode map, so the text can be copied and read back. It covers
Latin-1 and the common letters of French, Turkish and Polish names (œ, ç, ğ, ş, ł, č, š, ž...); a letter it
lacks is written without its accent (``ą`` as ``a``) rather than as an empty box, and a character with no base
letter it has as ``?``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certification.domain import attestations

REGULAR, BOLD = "Vera", "Vera-Bold"
WIDTH, HEIGHT = A4
MARGIN = 56
INK, MUTED, ACCENT, RULE = HexColor("#1b1f3b"), HexColor("#5a607a"), HexColor("#3d3dbf"), HexColor("#c9cce0")


@functools.cache
def _fonts() -> frozenset[int]:
    """Register the fonts once per process (not at import); the code points they draw."""
    regular = TTFont(REGULAR, "Vera.ttf")
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
    return frozenset(regular.face.charToGlyph)


def printable(text: str) -> str:
    """``text`` with each letter the font lacks written as its base letter (else ``?``)."""
    glyphs = _fonts()
    if all(ord(ch) in glyphs for ch in text):
        return text
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) in glyphs:
            out.append(ch)
            continue
        base = [b for b in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(b)]
        out.append("".join(base) if base and all(ord(b) in glyphs for b in base) else "?")
    return "".join(out)


def _text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, color=INK, *,
          right: bool = False, center: bool = False) -> None:
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    text = printable(text)
    if right:
        canvas.drawRightString(x, y, text)
    elif center:
        canvas.drawCentredString(x, y, text)
    else:
        canvas.drawString(x, y, text)


def _fitted(text: str, font: str, size: float, width: float) -> float:
    """The font size at which ``text`` fits ``width`` (a long name or centre shrinks, never overflows)."""
    natural = pdfmetrics.stringWidth(printable(text), font, size)
    return size if natural <= width else max(size * width / natural, 6)


def draw_page(canvas: Canvas, certificate: Mapping[str, Any]) -> None:
    """One attestation on the canvas's current page, which it ends."""
    page = attestations.lines(certificate)
    left, right, width = MARGIN, WIDTH - MARGIN, WIDTH - 2 * MARGIN
    y = HEIGHT - MARGIN - 8
    _text(canvas, left, y, page["kind"].upper(), BOLD, 9, ACCENT)
    y -= 26
    _text(canvas, left, y, page["title"], BOLD, 22)
    y -= 40
    _text(canvas, left, y, page["name"], BOLD, _fitted(page["name"], BOLD, 20, width), INK)
    y -= 18
    _text(canvas, left, y, page["born"], REGULAR, 11, MUTED)
    y -= 30
    for label, value in page["facts"]:
        _text(canvas, left, y, label, REGULAR, 10, MUTED)
        _text(canvas, left + 170, y, value, BOLD, _fitted(value, BOLD, 10, width - 170), INK)
        y -= 17
    # The score, beside its global level.
    y -= 14
    canvas.setStrokeColor(RULE)
    canvas.roundRect(left, y - 62, width, 70, 8, stroke=1, fill=0)
    _text(canvas, left + 18, y - 14, "Score de certification", REGULAR, 10, MUTED)
    _text(canvas, left + 18, y - 48, page["score"], BOLD, 30, ACCENT)
    score_width = pdfmetrics.stringWidth(page["score"], BOLD, 30)
    _text(canvas, left + 26 + score_width, y - 48, page["max_score"], REGULAR, 11, MUTED)
    if page["mesh_level"]:
        _text(canvas, right - 18, y - 40, page["mesh_level"], BOLD, 13, INK, right=True)
    y -= 92
    _text(canvas, left, y, "Niveau par compétence", BOLD, 13)
    y -= 8
    for area, competences in page["areas"]:
        y -= 20
        _text(canvas, left, y, area, BOLD, 10.5, ACCENT)
        for name, level in competences:
            y -= 16
            _text(canvas, left + 12, y, name, REGULAR, 9.5)
            _text(canvas, right, y, level, BOLD if level != attestations.NOT_CERTIFIED else REGULAR, 9.5,
                  INK if level != attestations.NOT_CERTIFIED else MUTED, right=True)
            canvas.setStrokeColor(RULE)
            canvas.line(left + 12, y - 5, right, y - 5)
    _text(canvas, left, MARGIN, page["hint"], REGULAR, 8, MUTED)
    canvas.showPage()


def write(certificates: Iterable[Mapping[str, Any]], out: BinaryIO, title: str) -> int:
    """The attestations of ``certificates``, one page each in their order, into ``out``; how many."""
    _fonts()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=False)
    canvas.setTitle(printable(title))
    canvas.setSubject(attestations.KIND)
    canvas.setCreator("skills-platform certification")
    count = 0
    for certificate in certificates:
        draw_page(canvas, certificate)
        count += 1
    if count:
        canvas.save()
    return count
