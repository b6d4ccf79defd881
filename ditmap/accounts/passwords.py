"""Passwords: argon2id hashes and the rule for a new password (NIST SP 800-63B).

At least 12 characters, at most 256; not a common password, not the account name, not one character
or a short run repeated, not a keyboard or number sequence. No composition rules; paste is welcome.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
_LIST = Path(__file__).with_name("common_passwords.txt")
_SEQUENCES = ("0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
              "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")

HASHER = PasswordHasher()  # argon2id, t=3, 64 MiB, p=4 (argon2-cffi's RFC 9106 low-memory profile)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case); see the file's header for its source."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _repetitive(pw: str) -> bool:
    return any(len(pw) % size == 0 and pw[:size] * (len(pw) // size) == pw for size in range(1, len(pw) // 2 + 1))


def _sequence(pw: str) -> bool:
    low = pw.lower()
    return any(low in s or low[::-1] in s for s in _SEQUENCES)


def problem(password: str, name: str = "") -> str | None:
    """Why this password may not be used (one sentence), or None when it is fine."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters; a few words together are easy to remember."
    if len(password) > MAX_LENGTH:
        return f"A password can be at most {MAX_LENGTH} characters."
    low = password.lower()
    core = low.strip("0123456789!@#$%^&*()_-+=.,?~ ")
    common = common_passwords()
    if low in common or core in common or (core and _repetitive(core) and len(set(core)) <= 4):
        return "That password is too common: it is on lists attackers try first. Choose another."
    if _repetitive(low) or _sequence(low):
        return "That password is a repeat or a sequence (like 'aaaa…' or '1234…'). Choose another."
    if name and name.lower() in low:
        return "A password must not contain the account name."
    return None


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    return hasher.hash(password)


def verify(password_hash: str, password: str, hasher: PasswordHasher = HASHER) -> bool:
    """Whether the password matches (constant work whatever the outcome)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
