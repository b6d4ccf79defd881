"""Clinic mode's records in the same database as the maps (`ClinicStore` over any `SqlStore`: SQLite or PostgreSQL).

Same connection discipline as the store: the back end's `_connect` for a read, `_tx` for every
read-then-write, `?` placeholders and the SQL both databases read alike (`INSERT … ON CONFLICT`). The
tables are described once in `ditmap.store.schema` (`CLINIC_TABLES`); names compare case-insensitively
there, so `name = ?` finds "Ann" for "ann" on both back ends. Audit appends run in one write transaction
that first takes the audit table for itself (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: `LOCK TABLE … SHARE
ROW EXCLUSIVE`), then reads the last row, seals, inserts and records the head, so concurrent appends from
several threads or processes queue and the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ditmap.accounts.clinic_store import ClinicStore
from ditmap.accounts.model import Account, AccountError, SessionRecord, Share
from ditmap.audit import GENESIS, AuditEntry, AuditRow, seal
from ditmap.store.schema import Connection as Conn

if TYPE_CHECKING:
    from ditmap.store.sql_store import SqlStore

_ACCOUNT_COLS = ("name, roles, password_hash, created_at, password_changed_at, disabled, totp_secret, "
                 "totp_last_step, recovery_json")
_UPDATE_ACCOUNT = ", ".join(f"{c} = excluded.{c}" for c in _ACCOUNT_COLS.split(", ")[1:])
_SESSION_COLS = "token_hash, stage, created_at, last_active, expires_at, account, share_id, address, pending_secret"
_SHARE_COLS = ("id, map_id, created_by, token_hash, code_hash, created_at, redeem_by, minutes, redeemed_at, "
               "ends_at, ended_at")
_AUDIT_COLS = "seq, at, actor, role, address, action, map_id, outcome, detail, prev_hash, hash"


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _t(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _account(r: Sequence) -> Account:
    return Account(name=r[0], roles=frozenset(json.loads(r[1])), password_hash=r[2], created_at=_t(r[3]),
                   password_changed_at=_t(r[4]), disabled=bool(r[5]), totp_secret=r[6], totp_last_step=r[7],
                   recovery_hashes=tuple(json.loads(r[8])))


def _session(r: Sequence) -> SessionRecord:
    return SessionRecord(token_hash=r[0], stage=r[1], created_at=_t(r[2]), last_active=_t(r[3]),
                         expires_at=_t(r[4]), account=r[5], share_id=r[6], address=r[7], pending_secret=r[8])


def _share(r: Sequence) -> Share:
    return Share(id=r[0], map_id=r[1], created_by=r[2], token_hash=r[3], code_hash=r[4], created_at=_t(r[5]),
                 redeem_by=_t(r[6]), minutes=r[7], redeemed_at=_t(r[8]), ends_at=_t(r[9]), ended_at=_t(r[10]))


def _put_setting(conn: Conn, key: str, value: str) -> None:
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def _audit(r: Sequence) -> AuditRow:
    return AuditRow(r[0], _t(r[1]), *r[2:])


class SqlClinic(ClinicStore):
    """Clinic records kept beside a `SqlStore`'s maps (see `ditmap.store.schema.CLINIC_TABLES`)."""

    def __init__(self, store: SqlStore):
        self._store = store

    def _connect(self) -> AbstractContextManager[Conn]:
        return self._store._connect()

    def _tx(self) -> AbstractContextManager[Conn]:
        return self._store._tx(write=True)

    # --- accounts --------------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def account(self, name: str) -> Account | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE name = ?", (name,)).fetchone()
        return _account(row) if row else None

    def accounts(self) -> list[Account]:
        with self._connect() as conn:
            return [_account(r) for r in conn.execute(f"SELECT {_ACCOUNT_COLS} FROM accounts ORDER BY name")]

    def _account_values(self, a: Account) -> tuple:
        return (a.name, json.dumps(sorted(a.roles)), a.password_hash, _iso(a.created_at), _iso(a.password_changed_at),
                int(a.disabled), a.totp_secret, a.totp_last_step, json.dumps(list(a.recovery_hashes)))

    def add_account(self, account: Account) -> None:
        with self._tx() as conn:
            cur = conn.execute(f"INSERT INTO accounts ({_ACCOUNT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                               " ON CONFLICT (name) DO NOTHING", self._account_values(account))
            if cur.rowcount != 1:  # the name (in any case) is taken; nothing was written
                raise AccountError(f'there is already an account named "{account.name}"')

    def save_account(self, account: Account) -> None:
        with self._tx() as conn:
            cur = conn.execute(f"INSERT INTO accounts ({_ACCOUNT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                               f" ON CONFLICT (name) DO UPDATE SET {_UPDATE_ACCOUNT}", self._account_values(account))
            if cur.rowcount < 1:  # pragma: no cover
                raise AccountError(f'no account named "{account.name}"')

    # --- failures --------------------------------------------------------------------------------

    def add_failure(self, key: str, at: dt.datetime) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO sign_in_failures (key, at) VALUES (?, ?)", (key, _iso(at)))
            # keep the table small: anything older than a day no longer counts for anything
            conn.execute("DELETE FROM sign_in_failures WHERE at < ?", (_iso(at - dt.timedelta(days=1)),))

    def failures_since(self, key: str, since: dt.datetime) -> int:
        with self._connect() as conn:
            return conn.execute("SELECT count(*) FROM sign_in_failures WHERE key = ? AND at >= ?",
                                (key, _iso(since))).fetchone()[0]

    def clear_failures(self, key: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM sign_in_failures WHERE key = ?", (key,))

    # --- sessions --------------------------------------------------------------------------------

    def _session_values(self, s: SessionRecord) -> tuple:
        return (s.token_hash, s.stage, _iso(s.created_at), _iso(s.last_active), _iso(s.expires_at), s.account,
                s.share_id, s.address, s.pending_secret)

    def add_session(self, session: SessionRecord) -> None:
        with self._tx() as conn:
            conn.execute(f"INSERT INTO sessions ({_SESSION_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         self._session_values(session))

    def session(self, token_hash: str) -> SessionRecord | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_SESSION_COLS} FROM sessions WHERE token_hash = ?", (token_hash,)).fetchone()
        return _session(row) if row else None

    def save_session(self, session: SessionRecord) -> None:
        with self._tx() as conn:  # only a session that still exists: a sign-out elsewhere wins
            conn.execute("UPDATE sessions SET stage = ?, last_active = ?, expires_at = ?, account = ?, "
                         "pending_secret = ? WHERE token_hash = ?",
                         (session.stage, _iso(session.last_active), _iso(session.expires_at), session.account,
                          session.pending_secret, session.token_hash))

    def delete_sessions(self, *, token_hash: str | None = None, account: str | None = None,
                        share_id: str | None = None, except_hash: str | None = None) -> int:
        where, args = [], []
        for column, value in (("token_hash", token_hash), ("account", account), ("share_id", share_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if not where:
            raise ValueError("delete_sessions needs a token, an account or a share")
        if except_hash is not None:
            where.append("token_hash != ?")
            args.append(except_hash)
        with self._tx() as conn:
            return conn.execute(f"DELETE FROM sessions WHERE {' AND '.join(where)}", args).rowcount

    # --- shares ----------------------------------------------------------------------------------

    def add_share(self, share: Share) -> None:
        with self._tx() as conn:
            conn.execute(f"INSERT INTO shares ({_SHARE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (share.id, share.map_id, share.created_by, share.token_hash, share.code_hash,
                          _iso(share.created_at), _iso(share.redeem_by), share.minutes, _iso(share.redeemed_at),
                          _iso(share.ends_at), _iso(share.ended_at)))

    def share(self, share_id: str) -> Share | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_SHARE_COLS} FROM shares WHERE id = ?", (share_id,)).fetchone()
        return _share(row) if row else None

    def share_by_hash(self, *, token_hash: str | None = None, code_hash: str | None = None) -> Share | None:
        column, value = ("token_hash", token_hash) if token_hash is not None else ("code_hash", code_hash)
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_SHARE_COLS} FROM shares WHERE {column} = ?", (value,)).fetchone()
        return _share(row) if row else None

    def redeem_share(self, share_id: str, at: dt.datetime, ends_at: dt.datetime) -> bool:
        with self._tx() as conn:
            cur = conn.execute("UPDATE shares SET redeemed_at = ?, ends_at = ? WHERE id = ? AND redeemed_at IS NULL "
                               "AND ended_at IS NULL AND redeem_by > ?",
                               (_iso(at), _iso(ends_at), share_id, _iso(at)))
            return cur.rowcount == 1

    def end_share(self, share_id: str, at: dt.datetime) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE shares SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (_iso(at), share_id))
            conn.execute("DELETE FROM sessions WHERE share_id = ?", (share_id,))

    def shares_for_map(self, map_id: str) -> list[Share]:
        with self._connect() as conn:
            return [_share(r) for r in conn.execute(f"SELECT {_SHARE_COLS} FROM shares WHERE map_id = ? "
                                                    "ORDER BY created_at", (map_id,))]

    # --- ownership and supervision ---------------------------------------------------------------

    def owner(self, map_id: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT account FROM map_owners WHERE map_id = ?", (map_id,)).fetchone()
        return row[0] if row else None

    def set_owner(self, map_id: str, account: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO map_owners (map_id, account) VALUES (?, ?)"
                         " ON CONFLICT (map_id) DO UPDATE SET account = excluded.account", (map_id, account))

    def unowned_maps(self, map_ids: Sequence[str]) -> list[str]:
        with self._connect() as conn:
            owned = {r[0] for r in conn.execute("SELECT map_id FROM map_owners")}
        return [m for m in map_ids if m not in owned]

    def assign(self, supervisor: str, therapist: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO supervision (supervisor, therapist) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         (supervisor, therapist))

    def unassign(self, supervisor: str, therapist: str) -> bool:
        with self._tx() as conn:
            return conn.execute("DELETE FROM supervision WHERE supervisor = ? AND therapist = ?",
                                (supervisor, therapist)).rowcount == 1

    def assignments(self) -> list[tuple[str, str]]:
        with self._connect() as conn:
            return [(r[0], r[1]) for r in conn.execute("SELECT supervisor, therapist FROM supervision "
                                                       "ORDER BY supervisor, therapist")]

    def supervises(self, supervisor: str, therapist: str) -> bool:
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM supervision WHERE supervisor = ? AND therapist = ?",
                                (supervisor, therapist)).fetchone() is not None

    # --- audit -----------------------------------------------------------------------------------

    def append_audit(self, entry: AuditEntry) -> AuditRow:
        at = entry.at or dt.datetime.now(dt.UTC)
        lock = self._store.DIALECT.lock_table("audit")
        with self._tx() as conn:
            if lock:
                conn.execute(lock)
            last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            row = seal(seq, entry, at.astimezone(dt.UTC), prev)
            conn.execute(f"INSERT INTO audit ({_AUDIT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (row.seq, _iso(row.at), row.actor, row.role, row.address, row.action, row.map_id,
                          row.outcome, row.detail, row.prev_hash, row.hash))
            _put_setting(conn, "audit_head", json.dumps([row.seq, row.hash]))
        return row

    def audit_rows(self, *, map_id: str | None = None, actor: str | None = None, since: dt.datetime | None = None,
                   limit: int | None = None) -> list[AuditRow]:
        where, args = [], []
        if map_id:
            where.append("map_id = ?")
            args.append(map_id)
        if actor:
            where.append("lower(actor) = lower(?)")  # the actor as typed at sign-in, any case
            args.append(actor)
        if since is not None:
            where.append("at >= ?")
            args.append(_iso(since))
        sql = f"SELECT {_AUDIT_COLS} FROM audit" + (f" WHERE {' AND '.join(where)}" if where else "")
        if limit is not None:  # the newest `limit`, still oldest first
            sql = f"SELECT * FROM ({sql} ORDER BY seq DESC LIMIT {int(limit)}) AS newest"
        with self._connect() as conn:
            return [_audit(r) for r in conn.execute(sql + " ORDER BY seq", args)]

    def audit_head(self) -> tuple[int, str]:
        value = self.setting("audit_head")
        if value is None:
            return (0, GENESIS)
        seq, digest = json.loads(value)
        return (int(seq), str(digest))

    # --- settings --------------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self._tx() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                _put_setting(conn, key, value)
