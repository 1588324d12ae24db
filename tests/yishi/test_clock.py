"""Moments shown to people are in the configured time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from yishi.clock import local_time
from yishi.config import Settings
from yishi.errors import ConfigError


def test_an_aware_moment_is_shown_in_taipei_by_default() -> None:
    shown = local_time(datetime(2025, 3, 1, 16, 30, tzinfo=UTC))
    assert (shown.hour, shown.day, shown.utcoffset()) == (0, 2, timedelta(hours=8))


def test_a_naive_moment_is_taken_as_utc() -> None:
    shown = local_time(datetime(2025, 3, 1, 16, 30))
    assert shown.isoformat() == "2025-03-02T00:30:00+08:00"


def test_the_timezone_setting_is_followed() -> None:
    moment = datetime(2025, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    shown = local_time(moment, Settings(timezone="Asia/Tokyo"))
    assert shown.isoformat() == "2025-03-02T02:00:00+09:00"


def test_an_unknown_timezone_is_a_config_error_in_chinese() -> None:
    with pytest.raises(ConfigError, match="時區"):
        local_time(datetime(2025, 3, 1, tzinfo=UTC), Settings(timezone="Mars/Olympus"))
