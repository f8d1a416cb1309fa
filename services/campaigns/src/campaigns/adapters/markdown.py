"""A campaign's landing text, written in Markdown by a teacher, shown as HTML to anyone with the code.

markdown-it-py in CommonMark mode with raw HTML off: any tag the teacher types is shown as
text, never interpreted. Its link validation refuses ``javascript:``, ``vbscript:``,
``file:`` and ``data:`` targets (the link stays as text). Links that remain open in a new
tab without giving the landing page to the target (``rel="noopener noreferrer nofollow"``).
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
    default_validate = md.validateLink

    def validate(url: str) -> bool:
        return default_validate(url) and url.strip().lower().startswith(_SAFE_SCHEMES)

    md.validateLink = validate

    def link_open(renderer, tokens, index, options, env):
        tokens[index].attrSet("rel", "noopener noreferrer nofollow")
        tokens[index].attrSet("target", "_blank")
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_MD = _renderer()


def to_safe_html(text: str | None) -> str | None:
    return _MD.render(text) if text else None
