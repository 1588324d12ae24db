"""Sign in, sign out, and the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yishi.errors import InputError
from yishi.web.auth import ABSOLUTE_HOURS, COOKIE
from yishi.web.deps import SignedIn, auth_of, checked_form, render, settings_of

router = APIRouter()


def _safe_next(value: object) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect after sign-in."""
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text or "\n" in text:
        return "/"
    return text


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", None, next=_safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = _safe_next(form.get("next"))
    try:
        token, _ = auth_of(request).sign_in(username, password, ip=client_ip(request))
    except InputError as exc:
        return render(
            request, "login.html", None, status_code=401, error=exc.message, next=target,
            username=username[:60],
        )  # fmt: skip
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, token, max_age=ABSOLUTE_HOURS * 3600, httponly=True, samesite="lax",
        secure=settings_of(request).web_secure_cookies, path="/",
    )  # fmt: skip
    return response


@router.post("/logout")
async def logout(request: Request, viewer: SignedIn) -> Response:
    await checked_form(request, viewer)
    auth_of(request).sign_out(viewer.token_hash)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
async def home(viewer: SignedIn) -> Response:
    return RedirectResponse("/meetings" if viewer.sees_all else "/cases", status_code=303)
