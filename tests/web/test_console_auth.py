"""Sign-in, sessions, CSRF and roles on the real app (TestClient, a real SQLite file)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from bots import StaffDirectory
from bots.models import WebSessionRow
from tests.web.conftest import PASSWORD, csrf_of, make_staff, sign_in
from yishi.clock import utc_now
from yishi.db import session_scope
from yishi.web.auth import BAD_LOGIN, COOKIE, LOCKED


def test_nothing_is_visible_before_sign_in(app_client: TestClient) -> None:
    for path in ("/", "/meetings", "/jobs", "/meetings/1", "/meetings/1/audio"):
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path
    htmx = app_client.get("/meetings/1/progress", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login"
    post = app_client.post("/meetings", data={"title": "x"}, follow_redirects=False)
    assert post.status_code == 401 and "請先登入" in post.text


def test_sign_in_sets_a_hardened_cookie_and_stores_only_a_hash(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "王秘書")
    response = app_client.post(
        "/login", data={"username": username, "password": PASSWORD, "next": "/meetings"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/meetings"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = app_client.cookies[COOKIE]
    with session_scope(directory.engine) as session:
        hashes = [row.token_hash for row in session.query(WebSessionRow)]
    assert len(hashes) == 1 and token not in hashes[0]
    page = app_client.get("/meetings")
    assert page.status_code == 200 and "王秘書" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_wrong_password_and_unknown_account_get_the_same_answer(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "王秘書")
    wrong = app_client.post("/login", data={"username": username, "password": "nope" * 3})
    unknown = app_client.post("/login", data={"username": "ghost", "password": "nope" * 3})
    assert wrong.status_code == unknown.status_code == 401
    assert BAD_LOGIN in wrong.text and BAD_LOGIN in unknown.text
    assert COOKIE not in app_client.cookies


def test_sign_in_is_locked_after_repeated_failures(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "王秘書")
    for _ in range(5):
        app_client.post("/login", data={"username": username, "password": "wrong-password"})
    locked = app_client.post("/login", data={"username": username, "password": PASSWORD})
    assert locked.status_code == 401 and LOCKED in locked.text
    assert COOKIE not in app_client.cookies


def test_open_redirect_after_sign_in_is_refused(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "王秘書")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil"):
        response = app_client.post(
            "/login", data={"username": username, "password": PASSWORD, "next": target},
            follow_redirects=False,
        )  # fmt: skip
        assert response.headers["location"] == "/", target


def test_a_forged_or_missing_csrf_token_changes_nothing(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "王秘書")
    csrf = sign_in(app_client, username)
    for token in ("", "forged-token", csrf[:-1] + ("A" if csrf[-1] != "A" else "B")):
        response = app_client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403, token
        assert "CSRF" in response.text
    assert app_client.get("/meetings").status_code == 200  # still signed in
    out = app_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert app_client.get("/meetings", follow_redirects=False).status_code == 303


def test_sessions_expire_when_idle_and_end_when_staff_are_revoked(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    staff_id, username = make_staff(directory, "王秘書")
    sign_in(app_client, username)
    with session_scope(directory.engine) as session:
        session.execute(update(WebSessionRow).values(last_seen_at=utc_now() - timedelta(hours=9)))
    assert app_client.get("/meetings", follow_redirects=False).status_code == 303
    sign_in(app_client, username)
    directory.revoke(staff_id)
    assert app_client.get("/meetings", follow_redirects=False).status_code == 303


def test_liaisons_cannot_open_secretariat_pages(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "李聯絡人", role="liaison", agency="交通局")
    response = app_client.post(
        "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    for path in ("/meetings", "/jobs", "/meetings/1", "/meetings/1/audio"):
        page = app_client.get(path)
        assert page.status_code == 403, path
        assert "僅限秘書處人員" in page.text


def test_csrf_token_is_per_session(app_client: TestClient, directory: StaffDirectory) -> None:
    _, first = make_staff(directory, "王秘書")
    _, second = make_staff(directory, "陳秘書", agency="秘書處")
    token_one = sign_in(app_client, first)
    app_client.cookies.clear()
    token_two = sign_in(app_client, second)
    assert token_one != token_two
    response = app_client.post("/logout", data={"csrf_token": token_one}, follow_redirects=False)
    assert response.status_code == 403
    assert csrf_of(app_client.get("/meetings").text) == token_two
