"""What every console page shares: templates, the signed-in viewer, CSRF, role checks.

Page modules (``yishi/web/pages/*.py``) declare ``router = APIRouter()`` and use:

- ``viewer: SignedIn`` on every route: nothing is visible before sign-in (pages redirect to
  /login; HTMX calls get 401 with ``HX-Redirect``).
- ``viewer: Secretariat`` where only secretariat staff and administrators may go.
- ``await checked_form(request, viewer)`` in every POST handler: parses the form and rejects a
  missing or forged CSRF token with 403 before anything is changed.
- ``render(request, "name.html", viewer, **context)`` to answer with a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from bots.staff import Staff
from yishi.clock import local_time
from yishi.config import Settings
from yishi.web.auth import COOKIE, Auth, csrf_matches
from yishi.web.auth import SignedIn as Session

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
ROLE_NAMES = {"liaison": "機關聯絡人", "secretariat": "秘書處人員", "admin": "系統管理員"}


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local_time(value).strftime(fmt) if value else "—"


def _roc(value: date | None) -> str:
    """2026-03-10 → 115年3月10日 (the government's own way of writing dates)."""
    return f"{value.year - 1911}年{value.month}月{value.day}日" if value else "—"


def _hms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


templates.env.filters["when"] = _when
templates.env.filters["roc"] = _roc
templates.env.filters["hms"] = _hms


class LoginRequired(Exception):
    """Raised by :func:`signed_in`; the app turns it into a redirect to /login."""


@dataclass(frozen=True)
class Viewer:
    staff: Staff
    csrf_token: str
    token_hash: str

    @property
    def sees_all(self) -> bool:
        return self.staff.sees_all

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.staff.role, self.staff.role)

    @property
    def agency_filter(self) -> str | None:
        """None for staff who see every agency; the liaison's own agency otherwise."""
        return None if self.sees_all else self.staff.agency


def auth_of(request: Request) -> Auth:
    return request.app.state.auth  # type: ignore[no-any-return]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def signed_in(request: Request) -> Viewer:
    found: Session | None = auth_of(request).lookup(request.cookies.get(COOKIE))
    if found is None:
        raise LoginRequired()
    return Viewer(found.staff, found.csrf_token, found.token_hash)


SignedIn = Annotated[Viewer, Depends(signed_in)]


def secretariat(viewer: SignedIn) -> Viewer:
    if not viewer.sees_all:
        raise HTTPException(status_code=403, detail="此頁面僅限秘書處人員")
    return viewer


Secretariat = Annotated[Viewer, Depends(secretariat)]


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The request's form, after its CSRF token was checked (403 when missing or wrong)."""
    form = await request.form()
    given = request.headers.get("x-csrf-token") or form.get("csrf_token")
    if not csrf_matches(viewer.csrf_token, given if isinstance(given, str) else None):
        await form.close()  # uploaded files in it are closed (and their temp files removed)
        raise HTTPException(
            status_code=403, detail="表單已失效或來源不明（CSRF），請重新整理頁面後再試"
        )
    return form


def check_csrf_header(request: Request, viewer: Viewer) -> None:
    """For requests without a form body (fetch calls): the token must come as a header."""
    if not csrf_matches(viewer.csrf_token, request.headers.get("x-csrf-token")):
        raise HTTPException(
            status_code=403, detail="表單已失效或來源不明（CSRF），請重新整理頁面後再試"
        )


def render(
    request: Request, name: str, viewer: Viewer | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"viewer": viewer, **context}, status_code=status_code
    )
