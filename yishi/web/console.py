"""The web console: every page router, the error pages, security headers, static files."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from yishi.config import Settings
from yishi.db import get_engine
from yishi.errors import NotFound, YishiError
from yishi.web.auth import Auth
from yishi.web.deps import HERE, LoginRequired, render, signed_in
from yishi.web.limits import BodyLimit

# Content Security Policy: scripts and styles only from this site (vendored files), media
# from this site (recordings), no framing, forms post only here.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def _routers() -> list:  # type: ignore[type-arg]
    from yishi.web.pages import meetings, session

    found = [session.router, meetings.router]
    import importlib

    # Page areas added by their own modules; each exposes ``router``.
    for name in ("cases", "replies", "search", "editor"):
        try:
            module = importlib.import_module(f"yishi.web.pages.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"yishi.web.pages.{name}":
                raise
            continue
        found.append(module.router)
    return found


def install_console(app: FastAPI, settings: Settings) -> None:
    app.state.settings = settings
    app.state.auth = Auth(get_engine(settings), settings)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in _routers():
        app.include_router(router)
    # Uploads may be large; every other form is small.
    app.add_middleware(
        BodyLimit, limit=settings.upload_max_bytes + 1024 * 1024, paths=("/meetings",)
    )
    app.add_middleware(BaseHTTPMiddleware, dispatch=_security_headers)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        if request.method != "GET":
            return _error(request, 401, "請先登入", "登入已逾時，請重新登入後再送出。")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        titles = {403: "無權限", 404: "找不到", 400: "資料有誤", 413: "檔案過大"}
        return _error(
            request, exc.status_code, titles.get(exc.status_code, "錯誤"), str(exc.detail)
        )

    @app.exception_handler(YishiError)
    async def _yishi(request: Request, exc: YishiError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400
        if _wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=status)
        return _error(request, status, "找不到" if status == 404 else "資料有誤", exc.message)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/line", "/telegram", "/healthz")) or "application/json" in (
        request.headers.get("accept") or ""
    )


def _error(request: Request, status: int, title: str, message: str) -> Response:
    try:
        viewer = signed_in(request)
    except LoginRequired:
        viewer = None
    if request.headers.get("hx-request"):
        return HTMLResponse(f'<p class="flash error" role="alert">{_escape(message)}</p>', status)
    return render(request, "error.html", viewer, status_code=status, title=title, message=message)


async def _security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.url.path.startswith("/static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="/")


def _escape(text: str) -> str:
    from html import escape

    return escape(text)
