"""Markdown that cannot be steered by the text put into it.

User text is put on one line (so it can never start a heading, list or block) and every character
that can start markup mid-line is backslash-escaped (CommonMark allows a backslash before any ASCII
punctuation): `\\ ` * _ { } [ ] < > # | ~ &`. So `[x](javascript:…)`, `<script>`, emphasis, a
table cell break or an entity in someone's words stay literal text (`(`, `)` and `!` need no
escape once `[` and `]` are escaped). `://` is broken as `:\\/\\/` and `www.` as `www\\.` so no
autolink is made either.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")


def md(text: str) -> str:
    """User text as literal Markdown: one line, meaningful characters escaped."""
    one_line = " ".join(text.split())
    if not one_line:
        return " " if text else ""
    if one_line and text[:1].isspace():
        one_line = " " + one_line
    if one_line and text[-1:].isspace():
        one_line += " "
    escaped = _SPECIAL.sub(r"\\\1", one_line)
    escaped = escaped.replace("://", r":\/\/")
    return re.sub(r"(?i)\bwww\.", lambda mt: mt.group(0)[:3] + r"\.", escaped)


def quote(text: str) -> str:
    """User text in typographic quotes, escaped."""
    return f"“{md(text)}”"
