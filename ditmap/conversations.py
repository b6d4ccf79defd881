"""Comments as conversations: a first comment and its replies, open until the therapist or supervisor resolves it.

A conversation's status is its first comment's (`Comment.reply_to` is None there); replies name that
first comment. "Awaiting the therapist" means open with a supervisor's comment last: what the
therapist sees on the map's home row and beside the item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ditmap.model import Comment, DitMap

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Conversation:
    first: Comment
    replies: tuple[Comment, ...]

    @property
    def id(self) -> str:
        return self.first.id

    @property
    def status(self) -> str:
        return self.first.status

    @property
    def anchor(self) -> tuple[str, str]:
        return (self.first.anchor_kind, self.first.anchor)

    @property
    def last(self) -> Comment:
        return self.replies[-1] if self.replies else self.first

    @property
    def comments(self) -> tuple[Comment, ...]:
        return (self.first, *self.replies)

    @property
    def awaiting_therapist(self) -> bool:
        return self.status == "open" and self.last.author_role == "supervisor"


def _when(c: Comment) -> dt.datetime:
    if c.created is None:
        return _EPOCH
    return c.created.replace(tzinfo=dt.UTC) if c.created.tzinfo is None else c.created


def conversations(m: DitMap, *, status: str | None = None,
                  anchor: tuple[str, str] | None = None) -> list[Conversation]:
    """The map's conversations in the order their first comments were added; replies oldest first.

    `status` ("open" / "resolved") and `anchor` ((kind, id)) filter them.
    """
    replies: dict[str, list[Comment]] = {}
    for c in m.comments:
        if c.reply_to is not None:
            replies.setdefault(c.reply_to, []).append(c)
    out = []
    for c in m.comments:
        if c.reply_to is not None:
            continue
        conv = Conversation(c, tuple(sorted(replies.get(c.id, ()), key=_when)))
        if status is not None and conv.status != status:
            continue
        if anchor is not None and conv.anchor != anchor:
            continue
        out.append(conv)
    return out


def awaiting_therapist(m: DitMap, anchor: tuple[str, str] | None = None) -> list[Conversation]:
    """Open conversations whose latest comment is a supervisor's (optionally about one item)."""
    return [c for c in conversations(m, status="open", anchor=anchor) if c.awaiting_therapist]
