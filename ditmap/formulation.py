"""The formulation in words: a pattern (IPAF) as one sentence, in clinician or plain client words.

Shared by `ditmap info`, the dashboard and the exports, so the focus reads the same everywhere.
The pattern's fields are free text written by people, so the sentence only joins them and never
adds a judgement of its own.
"""

from __future__ import annotations

import re

from ditmap.model import Pattern


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(" .;,")


def _inline(text: str) -> str:
    """Text to run on inside a sentence: "Unwanted and too much" → "unwanted and too much".

    Only an ordinary capitalised word is lowered; "I", "DIT", "McKay" and the like are left alone.
    """
    text = _clean(text)
    match = re.match(r"[^\W\d_]+", text)
    first = match.group(0) if match else ""
    if first == "A" or (len(first) > 1 and first[0].isupper() and first[1:] == first[1:].lower()):
        return text[0].lower() + text[1:]
    return text


def _join(terms: tuple[str, ...] | list[str], plain: bool) -> str:
    words = [_clean(t.replace("/", " or ") if plain else t) for t in terms if _clean(t)]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def ipaf_sentence(pattern: Pattern, plain: bool = False) -> str:
    """The pattern as one sentence: self, other, the affects linking them, and what it protects against.

    Clinician words (default): "Feeling a burden, not good enough, with others experienced as
    critical, about to lose patience — linked by shame and anxiety/fear; defensive function: …".
    Plain words (`plain=True`) address the client, each field introduced by words it fits after:
    "How you can come to feel about yourself: …; and how others can seem: …". Parts left blank are left out;
    a pattern with nothing written yet gives its title.
    """
    me, other = _inline(pattern.self_representation), _inline(pattern.other_representation)
    affects, function = _join(pattern.affects, plain), _inline(pattern.defensive_function)
    reversal = _inline(pattern.reversal)
    parts: list[str] = []
    if plain:
        # Each field is introduced, never pasted into a clause it may not fit ("you often feel A
        # disappointment; has to earn…"): after a colon any phrasing of the field reads grammatically.
        if me and other:
            parts.append(f"How you can come to feel about yourself: {me}; and how others can seem: {other}")
        elif me:
            parts.append(f"How you can come to feel about yourself: {me}")
        elif other:
            parts.append(f"How others can seem to you: {other}")
        if affects:
            parts.append(f"this brings up {affects}")
        if function:
            parts.append(f"relating this way may protect you from something painful: {function}")
        if reversal:
            parts.append(f"sometimes the roles turn around: {reversal}")
    else:
        if me and other:
            parts.append(f"Feeling {me}, with others experienced as {other}")
        elif me:
            parts.append(f"Feeling {me}")
        elif other:
            parts.append(f"Others experienced as {other}")
        if affects:
            parts.append(f"linked by {affects}")
        if function:
            parts.append(f"defensive function: {function}")
        if reversal:
            parts.append(f"reversal: {reversal}")
    if not parts:
        return f"{_clean(pattern.title)} (not yet written out)."
    sentence = parts[0]
    for i, part in enumerate(parts[1:], start=1):
        # The affects are what link self and other, so a dash joins them; the rest follow a semicolon.
        dash = i == 1 and bool(me or other) and bool(affects)
        sentence += (" — " if dash else "; ") + part
    return sentence[0].upper() + sentence[1:] + "."
