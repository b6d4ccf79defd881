"""Reaching a store's database directly (as another program would), whichever back end the test runs on."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def raw_execute(db: str, statements: Sequence[tuple[str, tuple]]) -> None:
    """Run `?`-placeholder statements in one transaction on the database `db` names, outside the store."""
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as conn:
            for sql, params in statements:
                conn.execute(sql.replace("?", "%s"), params)
        return
    conn = sqlite3.connect(db)
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def raw_query(db: str, sql: str, params: tuple = ()) -> list[tuple]:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as conn:
            return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), params).fetchall()]
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
