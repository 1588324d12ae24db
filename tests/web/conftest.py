"""A console app on this test's own SQLite file, and staff who can sign in to it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from bots import StaffDirectory
from yishi.config import get_settings
from yishi.db import get_engine
from yishi.web.app import create_app
from yishi.web.auth import hash_password

PASSWORD = "correct horse battery"


@pytest.fixture()
def web_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YISHI_WEB_SECURE_COOKIES", "0")  # TestClient speaks plain http
    monkeypatch.setenv("YISHI_JOB_WORKERS", "0")
    get_settings.cache_clear()


@pytest.fixture()
def directory(web_env: None) -> StaffDirectory:
    return StaffDirectory(get_engine(get_settings()))


@pytest.fixture()
def app_client(web_env: None) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings())) as client:
        yield client


def make_staff(
    directory: StaffDirectory, name: str, *, role: str = "secretariat", agency: str = "秘書處"
) -> tuple[int, str]:
    """A staff member with a console sign-in; returns (staff id, username)."""
    invitation = directory.invite(name=name, agency=agency, role=role)
    username = f"user{invitation.staff.id}"
    directory.set_login(
        invitation.staff.id, username=username, password_hash=hash_password(PASSWORD)
    )
    return invitation.staff.id, username


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign the client in; returns the session's CSRF token (read from a page, as a browser)."""
    response = client.post(
        "/login", data={"username": username, "password": password, "next": "/"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    page = client.get("/cases" if "/cases" in response.headers["location"] else "/meetings")
    return csrf_of(page.text)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture()
def secretary(
    app_client: TestClient, directory: StaffDirectory
) -> Callable[[], tuple[TestClient, str, int]]:
    """Signs ``app_client`` in as a secretariat member: (client, csrf token, staff id)."""

    def make() -> tuple[TestClient, str, int]:
        staff_id, username = make_staff(directory, "王秘書")
        return app_client, sign_in(app_client, username), staff_id

    return make
