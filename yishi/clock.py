"""Moments shown to people, in the configured time zone (not the server's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yishi.config import Settings, get_settings
from yishi.errors import ConfigError


def zone(settings: Settings | None = None) -> tzinfo:
    """The configured ``timezone`` setting (default Asia/Taipei)."""
    name = (settings or get_settings()).timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"時區設定「{name}」無法辨識，請設定如 Asia/Taipei 的時區名稱") from error


def as_utc(moment: datetime) -> datetime:
    """A stored moment with its offset: SQLite gives back stored UTC moments without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_time(moment: datetime, settings: Settings | None = None) -> datetime:
    """``moment`` in the configured time zone; a naive moment is taken as UTC (as stored)."""
    return as_utc(moment).astimezone(zone(settings))


def now(settings: Settings | None = None) -> datetime:
    """The current moment in the configured time zone."""
    return datetime.now(zone(settings))


def utc_now() -> datetime:
    """The current moment in UTC: what is stored (SQLite keeps no offset)."""
    return datetime.now(UTC)


def today(settings: Settings | None = None) -> date:
    """Today in the configured time zone, or the ``today`` setting when one is given."""
    settings = settings or get_settings()
    return settings.today or datetime.now(zone(settings)).date()
