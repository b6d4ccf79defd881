"""The second factor: time-based one-time codes (RFC 6238, 30-second steps, 6 digits) and recovery codes.

A code is accepted for the current step or one step either side (clock drift), and never twice: the
account keeps the last step it accepted. Recovery codes are random, shown once, stored as SHA-256
hashes (they carry 50 random bits, so a fast hash is enough) and each works once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import pyotp

ISSUER = "ditmap"
RECOVERY_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, name: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def accepted_step(secret: str, code: str, now: dt.datetime, last_step: int) -> int | None:
    """The time step this code belongs to when valid and newer than `last_step`, else None."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for s in (step, step - 1, step + 1):
        if s > last_step and secrets.compare_digest(totp.generate_otp(s), code):
            return s
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7qm-4xtp-9hra`, to print or keep in a password manager."""
    return ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
            for _ in range(RECOVERY_COUNT)]


def recovery_hash(code: str) -> str:
    clean = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()
