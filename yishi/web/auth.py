"""Console sign-in: argon2 password hashes, server-side sessions, CSRF tokens, a login limit.

A session is a random token in an HttpOnly, SameSite=Lax cookie; the database keeps only its
SHA-256, with the staff member, a per-session CSRF token and two expiries (idle and absolute).
Every state-changing request must carry the session's CSRF token (form field ``csrf_token`` or
header ``X-CSRF-Token``). Sign-in failures are counted per account and per address; past the
limit, sign-in is refused for 15 minutes with the same message whether the account exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, func, select

from bots.models import LoginAttemptRow, WebSessionRow
from bots.staff import Staff, StaffDirectory
from yishi.clock import as_utc, utc_now
from yishi.config import Settings
from yishi.db import session_scope
from yishi.errors import InputError

COOKIE = "yishi_session"
ABSOLUTE_HOURS = 24
LOCK_MINUTES = 15
BAD_LOGIN = "帳號或密碼錯誤"
LOCKED = "登入失敗次數過多，請 15 分鐘後再試"
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verifying against this when the account doesn't exist keeps the time the same either way.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"密碼至少 {MIN_PASSWORD} 個字元")
    return _hasher.hash(password)


@dataclass(frozen=True)
class SignedIn:
    staff: Staff
    csrf_token: str
    token_hash: str


class Auth:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.directory = StaffDirectory(engine)

    # Sign-in ------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str, *, ip: str) -> tuple[str, SignedIn]:
        """A new session token for a right password; InputError otherwise (one message)."""
        username = username.strip().lower()[:60]
        if self._locked(username, ip):
            self._record(username, ip, ok=False)
            raise InputError(LOCKED)
        record = self.directory.login_record(username) if username else None
        stored = record[1] if record else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
            ok = record is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        self._record(username, ip, ok=ok)
        if not ok or record is None:
            raise InputError(BAD_LOGIN)
        staff, stored = record
        if _hasher.check_needs_rehash(stored):
            self.directory.update_hash(staff.id, _hasher.hash(password))
        return self._open(staff, ip)

    def _open(self, staff: Staff, ip: str) -> tuple[str, SignedIn]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        at = utc_now()
        row = WebSessionRow(
            token_hash=_digest(token), staff_id=staff.id, csrf_token=csrf, created_at=at,
            last_seen_at=at, expires_at=at + timedelta(hours=ABSOLUTE_HOURS), ip=ip[:45],
        )  # fmt: skip
        with session_scope(self.engine) as session:
            session.add(row)
        return token, SignedIn(staff, csrf, row.token_hash)

    def _locked(self, username: str, ip: str) -> bool:
        since = utc_now() - timedelta(minutes=LOCK_MINUTES)
        limit = self.settings.web_login_max_failures
        with session_scope(self.engine, read_only=True) as session:
            by_user = session.scalar(
                select(func.count())
                .select_from(LoginAttemptRow)
                .where(
                    LoginAttemptRow.username == username,
                    LoginAttemptRow.at >= since,
                    LoginAttemptRow.ok.is_(False),
                )
            )
            by_ip = session.scalar(
                select(func.count())
                .select_from(LoginAttemptRow)
                .where(
                    LoginAttemptRow.ip == ip,
                    LoginAttemptRow.at >= since,
                    LoginAttemptRow.ok.is_(False),
                )
            )
        # One address may try a few accounts (a shared office), not dozens.
        return (by_user or 0) >= limit or (by_ip or 0) >= 4 * limit

    def _record(self, username: str, ip: str, *, ok: bool) -> None:
        with session_scope(self.engine) as session:
            session.add(LoginAttemptRow(at=utc_now(), username=username[:60], ip=ip[:45], ok=ok))

    # Sessions -----------------------------------------------------------------------------

    def lookup(self, token: str | None) -> SignedIn | None:
        """The signed-in staff member for a cookie value, or None (expired, revoked, forged)."""
        if not token or len(token) > 100:
            return None
        digest = _digest(token)
        at = utc_now()
        idle = timedelta(hours=self.settings.web_session_idle_hours)
        with session_scope(self.engine) as session:
            row = session.get(WebSessionRow, digest)
            if row is None:
                return None
            if as_utc(row.expires_at) <= at or as_utc(row.last_seen_at) + idle <= at:
                session.delete(row)
                return None
            staff = self.directory_staff(row.staff_id)
            if staff is None or not staff.active:
                session.delete(row)  # revoked staff lose the console at once
                return None
            if (at - as_utc(row.last_seen_at)).total_seconds() > 60:
                row.last_seen_at = at  # at most one write a minute per session
            return SignedIn(staff, row.csrf_token, digest)

    def directory_staff(self, staff_id: int) -> Staff | None:
        try:
            return self.directory.get(staff_id)
        except Exception:
            return None

    def sign_out(self, token_hash: str) -> None:
        with session_scope(self.engine) as session:
            session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

    def prune(self) -> int:
        """Drop expired sessions and sign-in records older than a month."""
        at = utc_now()
        with session_scope(self.engine) as session:
            gone = getattr(
                session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < at)),
                "rowcount", 0,
            )  # fmt: skip
            session.execute(
                delete(LoginAttemptRow).where(LoginAttemptRow.at < at - timedelta(days=30))
            )
            return int(gone or 0)


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected.encode(), (given or "").encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
