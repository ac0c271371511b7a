"""Feedback icons as inline SVG.

Emoji such as U+2705 and U+274C need an emoji font; a browser without one (headless Chromium on a
server, many Linux desktops) paints an empty box. Inline SVG paints everywhere. The icons differ in
shape (tick, cross, letter i), not only in colour, and are hidden from screen readers because the
words beside them ("Correct.", "Not quite.") carry the meaning.
"""

from __future__ import annotations

_SVG = ('<svg class="ownit-icon ownit-icon-{name}" data-icon="{name}" viewBox="0 0 16 16" '
        'width="1.15em" height="1.15em" aria-hidden="true" focusable="false" '
        'style="vertical-align: -0.2em; margin-right: 0.35em; flex: none">'
        '<circle cx="8" cy="8" r="8" fill="{fill}"/>{mark}</svg>')
_STROKE = 'fill="none" stroke="#ffffff" stroke-width="2.2" stroke-linecap="round"'

ICONS = {
    "correct": _SVG.format(name="correct", fill="#2e7d32",
                           mark=f'<path d="M4.3 8.4 L7 11 L11.8 5.4" {_STROKE} '
                                'stroke-linejoin="round"/>'),
    "wrong": _SVG.format(name="wrong", fill="#c62828",
                         mark=f'<path d="M5 5 L11 11 M11 5 L5 11" {_STROKE}/>'),
    "info": _SVG.format(name="info", fill="#1565c0",
                        mark=f'<path d="M8 7.2 V11.6" {_STROKE}/>'
                             '<circle cx="8" cy="4.6" r="1.25" fill="#ffffff"/>'),
}


def icon(name: str) -> str:
    """The SVG markup of one icon: ``correct``, ``wrong`` or ``info``."""
    try:
        return ICONS[name]
    except KeyError:
        raise KeyError(f"No quiz icon {name!r}; known: {', '.join(ICONS)}") from None
