"""The web desk's accounts, sessions and audit log (SQLite ``var/db/users.sqlite3``).

Passwords are argon2id hashes (argon2-cffi); a session is a random token kept server-side with
its CSRF token, so a restarted desk keeps its users logged in and a stolen page has no secret.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.clock import Clock
from broadcaster.db import Database
from broadcaster.errors import ConfigError
from broadcaster.messages import t

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token       TEXT PRIMARY KEY,
    user        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    lang        TEXT NOT NULL DEFAULT 'vi',
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    ip      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
"""

SESSION_HOURS = 12
MIN_PASSWORD = 8


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    EDITOR = "editor"
    APPROVER = "approver"
    VIEWER = "viewer"


class Action(StrEnum):
    """Everything a desk user may do besides reading; each role is granted a set."""

    VIEW = "view"
    SUBMIT = "submit"          # new bulletin (paste or upload)
    WITHDRAW = "withdraw"
    APPROVE = "approve"        # approve or reject
    EMERGENCY = "emergency"
    AUDIT = "audit"            # read the audit log
    SCHEDULE = "schedule"      # change the schedule (one-off slot, cancel, no-broadcast day)
    LISTEN = "listen"          # have a bulletin's speech rendered now (may spend a TTS quota)


GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.OPERATOR: frozenset({Action.VIEW, Action.EMERGENCY, Action.WITHDRAW, Action.SCHEDULE,
                              Action.LISTEN}),
    Role.EDITOR: frozenset({Action.VIEW, Action.SUBMIT, Action.WITHDRAW, Action.LISTEN}),
    Role.APPROVER: frozenset({Action.VIEW, Action.APPROVE, Action.LISTEN}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def allowed(role: Role, action: Action) -> bool:
    return action in GRANTS[role]


@dataclass(frozen=True)
class User:
    name: str
    role: Role


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    csrf: str
    lang: str


@dataclass(frozen=True)
class AuditRow:
    at: str
    who: str
    action: str
    target: str
    detail: str
    ip: str


def users_path(station_var_db: Path) -> Path:
    return station_var_db / "users.sqlite3"


def _hasher() -> PasswordHasher:  # argon2 is imported only where passwords are handled
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ConfigError(t("user.bad_name", name=name), hint=t("user.bad_name.hint"))
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(t("user.short_password", n=MIN_PASSWORD))


class UserStore(Database):
    """Accounts, sessions and the audit log; every write is one transaction."""

    def __init__(self, path: Path, clock: Clock) -> None:
        super().__init__(path, SCHEMA)
        self.clock = clock

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    # --- accounts --------------------------------------------------------------------------
    def random_password(self) -> str:
        return secrets.token_urlsafe(12)

    def add(self, name: str, role: Role, password: str) -> User:
        name = check_name(name)
        check_password(password)
        if self.get(name) is not None:
            raise ConfigError(t("user.exists", name=name), hint=t("user.exists.hint"))
        digest = _hasher().hash(password)
        now = self._now()
        with self._tx() as db:
            db.execute("INSERT INTO users(name, role, hash, created_at, updated_at)"
                       " VALUES(?,?,?,?,?)", (name, str(role), digest, now, now))
        return User(name, role)

    def get(self, name: str) -> User | None:
        rows = self._query("SELECT name, role FROM users WHERE name=?", (name,))
        return User(rows[0][0], Role(rows[0][1])) if rows else None

    def require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise ConfigError(t("user.unknown", name=name), hint=t("user.unknown.hint"))
        return user

    def all(self) -> list[User]:
        return [User(n, Role(r)) for n, r in self._query("SELECT name, role FROM users ORDER BY name")]

    def set_password(self, name: str, password: str) -> None:
        self.require(name)
        check_password(password)
        digest = _hasher().hash(password)
        with self._tx() as db:
            db.execute("UPDATE users SET hash=?, updated_at=? WHERE name=?",
                       (digest, self._now(), name))
            db.execute("DELETE FROM sessions WHERE user=?", (name,))

    def remove(self, name: str) -> None:
        self.require(name)
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE user=?", (name,))
            db.execute("DELETE FROM users WHERE name=?", (name,))

    def verify(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs, else None (same work either way)."""
        from argon2.exceptions import VerificationError

        rows = self._query("SELECT name, role, hash FROM users WHERE name=?", (name,))
        hasher = _hasher()
        if not rows:
            # spend the same time as a real check: no user enumeration by timing
            with contextlib.suppress(VerificationError):
                hasher.verify(_dummy_hash(), password)
            return None
        try:
            hasher.verify(rows[0][2], password)
        except VerificationError:
            return None
        return User(rows[0][0], Role(rows[0][1]))

    # --- sessions --------------------------------------------------------------------------
    def open_session(self, user: User, lang: str) -> Session:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock.now()
        expires = now + dt.timedelta(hours=SESSION_HOURS)
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            db.execute("INSERT INTO sessions(token, user, csrf, lang, created_at, expires_at)"
                       " VALUES(?,?,?,?,?,?)", (token, user.name, csrf, lang, now.isoformat(),
                                                expires.isoformat()))
        return Session(token, user, csrf, lang)

    def session(self, token: str) -> Session | None:
        rows = self._query(
            "SELECT s.token, u.name, u.role, s.csrf, s.lang, s.expires_at FROM sessions s"
            " JOIN users u ON u.name = s.user WHERE s.token=?", (token,))
        if not rows:
            return None
        tok, name, role, csrf, lang, expires = rows[0]
        if dt.datetime.fromisoformat(expires) < self.clock.now():
            return None
        return Session(tok, User(name, Role(role)), csrf, lang)

    def set_lang(self, token: str, lang: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sessions SET lang=? WHERE token=?", (lang, token))

    def close_session(self, token: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token=?", (token,))

    # --- audit -----------------------------------------------------------------------------
    def audit(self, who: str, action: str, target: str = "", detail: str = "",
              ip: str = "") -> None:
        with self._tx() as db:
            db.execute("INSERT INTO audit(at, who, action, target, detail, ip) VALUES(?,?,?,?,?,?)",
                       (self._now(), who, action, target, detail[:500], ip))

    def audit_rows(self, limit: int = 500) -> list[AuditRow]:
        rows = self._query("SELECT at, who, action, target, detail, ip FROM audit"
                           " ORDER BY seq DESC LIMIT ?", (limit,))
        return [AuditRow(*r) for r in rows]


@functools.cache
def _dummy_hash() -> str:
    return str(_hasher().hash(secrets.token_urlsafe(16)))
