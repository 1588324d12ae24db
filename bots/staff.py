"""Staff binding and access: nobody sees a case until bound; liaisons see their agency's cases."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from bots.models import AccountRow, BindAttemptRow, InviteRow, QueryLogRow, StaffRow
from inquiries import AgencyRegistry, Case, default_agencies
from yishi.clock import as_utc
from yishi.config import Settings, get_settings
from yishi.db import session_scope
from yishi.errors import InputError, NotFound

ROLES = ("liaison", "secretariat", "admin")
# One message for a wrong, used or expired code: a guesser learns nothing from the difference.
INVALID_CODE = "綁定碼無效或已過期，請向秘書處索取新的綁定碼"


@dataclass(frozen=True)
class BindLimits:
    max_failures: int = 5  # per account, and per code, within the window
    window_minutes: int = 15
    global_per_minute: int = 30  # failures across all accounts before binding pauses

    @classmethod
    def from_settings(cls, settings: Settings) -> BindLimits:
        return cls(
            settings.bind_max_failures,
            settings.bind_lockout_minutes,
            settings.bind_global_failures_per_minute,
        )


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    agency: str
    role: str
    active: bool

    def may_see(self, case: Case) -> bool:
        if not self.active:
            return False
        return self.sees_all or self.agency in (case.lead_agency, *case.co_agencies)

    @property
    def sees_all(self) -> bool:
        """Secretariat staff and administrators see every agency's cases."""
        return self.active and self.role in ("secretariat", "admin")


@dataclass(frozen=True)
class Invitation:
    staff: Staff
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Account:
    staff: Staff
    platform: str
    platform_user_id: str
    chat_id: str
    blocked: bool


class StaffDirectory:
    def __init__(
        self,
        engine: Engine,
        *,
        agencies: AgencyRegistry | None = None,
        limits: BindLimits | None = None,
    ) -> None:
        self.engine = engine
        self.agencies = agencies or default_agencies()
        self.limits = limits or BindLimits.from_settings(get_settings())

    def invite(
        self, *, name: str, agency: str, role: str = "liaison", valid_hours: int = 72
    ) -> Invitation:
        """A new staff member (or a new code for an existing one) with a one-time binding code."""
        if role not in ROLES:
            raise InputError(f"不明的角色：{role}（可用：liaison、secretariat、admin）")
        if not name.strip():
            raise InputError("請填姓名")
        code_agency = self.agencies.resolve(agency).code
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        now = datetime.now(UTC)
        with session_scope(self.engine) as session:
            row = session.scalars(
                select(StaffRow).where(
                    StaffRow.name == name.strip(),
                    StaffRow.agency == code_agency,
                    StaffRow.active.is_(True),
                )
            ).first()
            if row is None:
                row = StaffRow(
                    name=name.strip(), agency=code_agency, role=role, active=True, created_at=now
                )
                session.add(row)
                session.flush()
            row.role = role
            session.add(
                InviteRow(
                    code_hash=_hash(code),
                    staff_id=row.id,
                    expires_at=now + timedelta(hours=valid_hours),
                )
            )
            return Invitation(_staff(row), code, now + timedelta(hours=valid_hours))

    def bind(self, code: str, *, platform: str, platform_user_id: str, chat_id: str) -> Staff:
        """Use a code once to bind a chat account to its staff member.

        Failures are counted: too many from one account, on one code, or from everyone in a
        minute lock binding for a while. Binding again with the code this same account already
        used succeeds (a redelivered message must not turn into an error).
        """
        now = datetime.now(UTC)
        code_hash = _hash(code.strip().upper())
        self._check_limits(platform, platform_user_id, code_hash, now)
        try:
            with session_scope(self.engine) as session:
                staff = self._use_code(session, code_hash, platform, platform_user_id, now)
                account = session.scalars(
                    select(AccountRow).where(
                        AccountRow.platform == platform,
                        AccountRow.platform_user_id == platform_user_id,
                    )
                ).first()
                if account is None:
                    account = AccountRow(
                        platform=platform, platform_user_id=platform_user_id, staff_id=staff.id,
                        chat_id=chat_id, bound_at=now,
                    )  # fmt: skip
                    session.add(account)
                account.staff_id, account.chat_id, account.blocked_at = staff.id, chat_id, None
                account.bound_at = now
                session.add(_attempt(platform, platform_user_id, code_hash, True, now))
                return _staff(staff)
        except NotFound:
            with session_scope(self.engine) as session:
                session.add(_attempt(platform, platform_user_id, code_hash, False, now))
            raise

    def _use_code(
        self, session: Any, code_hash: str, platform: str, platform_user_id: str, now: datetime
    ) -> StaffRow:
        invite = session.get(InviteRow, code_hash, with_for_update=True)
        staff = session.get(StaffRow, invite.staff_id) if invite is not None else None
        if not isinstance(staff, StaffRow) or invite is None or not staff.active:
            raise NotFound(INVALID_CODE)
        if invite.used_at is not None:
            mine = session.scalars(
                select(AccountRow).where(
                    AccountRow.platform == platform,
                    AccountRow.platform_user_id == platform_user_id,
                    AccountRow.staff_id == staff.id,
                    AccountRow.bound_at >= invite.used_at,
                )
            ).first()
            if mine is None:
                raise NotFound(INVALID_CODE)
            return staff  # this account's own code, sent again
        if as_utc(invite.expires_at) < now:
            raise NotFound(INVALID_CODE)
        invite.used_at = now
        return staff

    def _check_limits(
        self, platform: str, platform_user_id: str, code_hash: str, now: datetime
    ) -> None:
        limits = self.limits
        window = now - timedelta(minutes=limits.window_minutes)
        failed = BindAttemptRow.ok.is_(False)
        with session_scope(self.engine, read_only=True) as session:
            by_account = session.scalar(
                select(func.count()).where(
                    failed, BindAttemptRow.at >= window, BindAttemptRow.platform == platform,
                    BindAttemptRow.platform_user_id == platform_user_id,
                )
            )  # fmt: skip
            by_code = session.scalar(
                select(func.count()).where(
                    failed, BindAttemptRow.at >= window, BindAttemptRow.code_hash == code_hash
                )
            )
            everyone = session.scalar(
                select(func.count()).where(failed, BindAttemptRow.at >= now - timedelta(minutes=1))
            )
        if (by_account or 0) >= limits.max_failures or (by_code or 0) >= limits.max_failures:
            raise InputError(f"嘗試次數過多，請 {limits.window_minutes} 分鐘後再試")
        if (everyone or 0) >= limits.global_per_minute:
            raise InputError("目前綁定嘗試過於頻繁，請 1 分鐘後再試")

    def burn_code(self, code: str) -> bool:
        """Void a code that was shown where others could read it (a group chat)."""
        with session_scope(self.engine) as session:
            invite = session.get(InviteRow, _hash(code.strip().upper()), with_for_update=True)
            if invite is None or invite.used_at is not None:
                return False
            invite.used_at = invite.expires_at = datetime.now(UTC)
            return True

    def account(self, platform: str, platform_user_id: str) -> Account | None:
        with session_scope(self.engine, read_only=True) as session:
            row = session.scalars(
                select(AccountRow).where(
                    AccountRow.platform == platform, AccountRow.platform_user_id == platform_user_id
                )
            ).first()
            if row is None:
                return None
            staff = session.get(StaffRow, row.staff_id)
            if staff is None or not staff.active:
                return None
            return Account(
                _staff(staff),
                row.platform,
                row.platform_user_id,
                row.chat_id,
                row.blocked_at is not None,
            )

    def accounts(self) -> list[Account]:
        """Every bound account of an active staff member (for reminders)."""
        with session_scope(self.engine, read_only=True) as session:
            rows = session.execute(
                select(AccountRow, StaffRow)
                .join(StaffRow, StaffRow.id == AccountRow.staff_id)
                .where(StaffRow.active.is_(True))
            ).all()
            return [
                Account(
                    _staff(s), a.platform, a.platform_user_id, a.chat_id, a.blocked_at is not None
                )
                for a, s in rows
            ]

    def mark_blocked(self, platform: str, platform_user_id: str) -> None:
        with session_scope(self.engine) as session:
            row = session.scalars(
                select(AccountRow).where(
                    AccountRow.platform == platform, AccountRow.platform_user_id == platform_user_id
                )
            ).first()
            if row is not None:
                row.blocked_at = datetime.now(UTC)

    def revoke(self, staff_id: int) -> Staff:
        """Cut access at once: the staff member and every bound account stop working."""
        with session_scope(self.engine) as session:
            row = session.get(StaffRow, staff_id)
            if row is None:
                raise NotFound(f"找不到人員編號 {staff_id}")
            row.active, row.revoked_at = False, datetime.now(UTC)
            return _staff(row)

    def get(self, staff_id: int) -> Staff:
        with session_scope(self.engine, read_only=True) as session:
            row = session.get(StaffRow, staff_id)
            if row is None:
                raise NotFound(f"找不到人員編號 {staff_id}")
            return _staff(row)

    def set_login(self, staff_id: int, *, username: str, password_hash: str) -> Staff:
        """Give a staff member a console sign-in (the hash comes from the web layer's argon2)."""
        username = username.strip().lower()
        if not (3 <= len(username) <= 60) or not all(c.isalnum() or c in "._-" for c in username):
            raise InputError("帳號須為 3 至 60 個英數字（可含 . _ -）")
        with session_scope(self.engine) as session:
            taken = session.scalar(
                select(StaffRow.id).where(StaffRow.username == username, StaffRow.id != staff_id)
            )
            if taken is not None:
                raise InputError(f"帳號 {username} 已有人使用")
            row = session.get(StaffRow, staff_id)
            if row is None:
                raise NotFound(f"找不到人員編號 {staff_id}")
            row.username, row.password_hash = username, password_hash
            return _staff(row)

    def login_record(self, username: str) -> tuple[Staff, str] | None:
        """The active staff member with this console account and their password hash."""
        with session_scope(self.engine, read_only=True) as session:
            row = session.scalars(
                select(StaffRow).where(StaffRow.username == username.strip().lower())
            ).first()
            if row is None or not row.active or not row.password_hash:
                return None
            return _staff(row), row.password_hash

    def update_hash(self, staff_id: int, password_hash: str) -> None:
        with session_scope(self.engine) as session:
            row = session.get(StaffRow, staff_id)
            if row is not None:
                row.password_hash = password_hash

    def staff(self) -> list[Staff]:
        with session_scope(self.engine) as session:
            return [_staff(r) for r in session.scalars(select(StaffRow).order_by(StaffRow.id))]

    def log_query(
        self, *, platform: str, platform_user_id: str, staff_id: int | None, text: str, intent: str
    ) -> None:
        with session_scope(self.engine) as session:
            session.add(
                QueryLogRow(
                    at=datetime.now(UTC),
                    platform=platform,
                    platform_user_id=platform_user_id,
                    staff_id=staff_id,
                    text=text[:2000],
                    intent=intent,
                )
            )


def _staff(row: StaffRow) -> Staff:
    return Staff(row.id, row.name, row.agency, row.role, row.active)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _attempt(platform: str, user: str, code_hash: str, ok: bool, now: datetime) -> BindAttemptRow:
    return BindAttemptRow(
        at=now, platform=platform, platform_user_id=user[:80], code_hash=code_hash, ok=ok
    )
