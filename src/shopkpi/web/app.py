"""``create_app``: the FastAPI app over one workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from shopkpi import __version__
from shopkpi.errors import ShopkpiError
from shopkpi.handoff import new_token
from shopkpi.jobs import JobRunner
from shopkpi.memo import GenerationMemo
from shopkpi.web import (
    routes_api,
    routes_auth,
    routes_drill,
    routes_drill_api,
    routes_imports,
    routes_insights,
    routes_jobs,
    routes_pages,
    routes_qa,
)
from shopkpi.web.deps import LoginRequired
from shopkpi.web.routes_manage import ROUTERS as MANAGE_ROUTERS
from shopkpi.web.routes_proposals import router as proposals_router
from shopkpi.web.routes_proposals_api import router as proposals_api_router
from shopkpi.web.security import LoginLimiter
from shopkpi.web.settings import WebSettings

HERE = Path(__file__).resolve().parent
SESSION_SECRET = "session_signing_key"
SPOOL = Path(".shopkpi") / "uploads"


def create_app(workspace_root: Path | str, settings: WebSettings | None = None) -> FastAPI:
    """The web app of the workspace at ``workspace_root`` (pages, ``/api/v1``, ``/health``)."""
    from shopkpi.workspace import Workspace

    settings = settings or WebSettings()
    ws = Workspace(workspace_root)
    ws.warehouse  # noqa: B018  the server owns the warehouse from the start (one writer)
    jobs = JobRunner(ws, ws.root / SPOOL)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.close()  # let a running write job finish before the process exits

    app = FastAPI(
        title="shopkpi",
        version=__version__,
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.ws = ws
    app.state.settings = settings
    app.state.limiter = LoginLimiter(settings)
    # The one writer (DESIGN §8): every write runs as a job here; the token lets a CLI
    # command on this machine hand its job over (``shopkpi serve`` publishes it).
    app.state.jobs = jobs
    app.state.local_token = new_token()
    app.state.memo = GenerationMemo()
    app.add_middleware(
        SessionMiddleware,
        secret_key=ws.appdb.secret(SESSION_SECRET),
        session_cookie="shopkpi_session",
        max_age=settings.session_seconds,
        same_site="lax",
        https_only=settings.https_only,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(routes_auth.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_api.router)
    app.include_router(routes_drill_api.router)
    app.include_router(routes_drill.router)
    for manage in MANAGE_ROUTERS:  # ratings, plans, close, audit (+ their /api/v1)
        app.include_router(manage)
    app.include_router(proposals_router)
    app.include_router(proposals_api_router)
    app.include_router(routes_jobs.router)
    app.include_router(routes_imports.router)
    app.include_router(routes_qa.router)
    app.include_router(routes_insights.router)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(ShopkpiError, _user_error)

    @app.get("/health", tags=["system"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


async def _to_login(request: Request, exc: Exception) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _user_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": str(exc)}, status_code=404)
