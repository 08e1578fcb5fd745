"""The Starlette application: routes, limits and the answers a browser or a script gets.

    GET  /                 the upload page (?lang=en for English)
    POST /check            the result page (multipart: file, previous, text, year, organ_kind, published_on, lang)
    POST /api/check        the same form; ?format=json (default) | html | checklist — the download itself,
                           or {"error": {"code", "message"}} with 413/422/503
    GET  /rules, /rules/ID the rule catalogue and one rule's explanation
    GET  /static/…         the page's CSS, script and icon (served by the package)
    GET  /healthz          "ok" (for scripts that wait for the server)
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .forms import Form, FormInvalid, FormTooLarge, read_form
from .pages import error_body, lang_of, page, result_body, rule_body, rules_index_body, upload_form
from .pool import DEFAULT_JOB, JobCrashed, JobTimeout, PoolBusy, WorkerDied, WorkerPool
from .text import ORGAN_KINDS, t

STATIC = Path(__file__).parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
DRAIN_CAP = 512 * 1024 * 1024  # read (and drop) at most this much of an oversized upload before answering
FORMATS = ("json", "html", "checklist")

# Nothing but the page's own files: no CDN, no inline script, no framing by another site.
SECURITY_HEADERS = [
    (b"content-security-policy", (b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),  # a result page holds the draft's contents: keep it out of caches
]


@dataclass
class WebSettings:
    max_upload_mb: float = 50.0  # per file, and for the pasted text
    time_limit: float = 120.0  # seconds per check (and for waiting for a free worker)
    workers: int = 2
    config: str | None = None  # a report-lint.toml / pyproject.toml for the engine
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS  # the Host header: stops DNS-rebinding pages from reading us
    job: str = DEFAULT_JOB
    lang: str = "zh"  # the page's language when the address does not say (?lang=en)

    @property
    def limit_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


class _SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


class _Problem(Exception):
    """A request we answer with a message instead of a result (status, one-line message)."""

    def __init__(self, status: int, message: str, code: str):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def _query_lang(request: Request) -> str:
    return lang_of(request.query_params.get("lang") or request.app.state.settings.lang)


async def _form(request: Request, settings: WebSettings, lang: str) -> Form:
    tx = t(lang)
    too_large = _Problem(413, tx["too_large"].format(mb=f"{settings.max_upload_mb:g}"), "too-large")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > DRAIN_CAP:
        raise too_large
    stream = request.stream()
    try:
        return await read_form(request.headers.get("content-type"), stream, settings.limit_bytes)
    except FormTooLarge:
        # Read the rest before answering: a browser still sending its upload shows "connection reset"
        # instead of our message when the server answers early and closes.
        drained = 0
        with contextlib.suppress(Exception):
            async for chunk in stream:
                drained += len(chunk)
                if drained > DRAIN_CAP:
                    break
        raise too_large from None
    except FormInvalid:
        raise _Problem(400, tx["bad_form"], "bad-form") from None


def _payload(form: Form, lang: str, settings: WebSettings, output: str) -> dict:
    tx = t(lang)
    files = [(u.name, u.data) for key in ("file", "previous") for u in form.uploads(key)]
    if not files and form.get("text"):
        files = [("", form.fields["text"].encode("utf-8"))]
    if not files:
        raise _Problem(422, tx["no_input"], "no-input")
    if len(files) > 2:
        raise _Problem(422, tx["too_many"], "too-many-files")
    year = None
    if form.get("year"):
        if not (form.get("year").isdigit() and len(form.get("year")) == 4):
            raise _Problem(422, tx["bad_year"], "bad-year")
        year = int(form.get("year"))
    kind = form.get("organ_kind") or None
    if kind is not None and kind not in ORGAN_KINDS:
        raise _Problem(422, tx["bad_kind"], "bad-organ-kind")
    published = form.get("published_on") or None
    if published is not None:
        try:
            published = date.fromisoformat(published).isoformat()
        except ValueError:
            raise _Problem(422, tx["bad_date"], "bad-date") from None
    return {"files": files, "lang": lang, "year": year, "organ_kind": kind, "published_on": published,
            "config": settings.config, "output": output}


async def _run(request: Request, payload: dict) -> dict:
    settings: WebSettings = request.app.state.settings
    pool: WorkerPool = request.app.state.pool
    tx = t(payload["lang"])
    try:
        answer = await run_in_threadpool(pool.run, payload, settings.time_limit)
    except PoolBusy:
        raise _Problem(503, tx["busy"], "busy") from None
    except JobTimeout:
        raise _Problem(503, tx["timeout"].format(seconds=f"{settings.time_limit:g}"), "timeout") from None
    except WorkerDied:
        raise _Problem(503, tx["died"], "worker-died") from None
    except JobCrashed as e:
        raise _Problem(500, tx["crashed"].format(detail=str(e)), "internal-error") from None
    if not answer["ok"]:
        raise _Problem(422, answer["message"], answer["code"])
    return answer


# --- routes ---------------------------------------------------------------------------------------


async def home(request: Request) -> HTMLResponse:
    lang = _query_lang(request)
    s: WebSettings = request.app.state.settings
    return HTMLResponse(page(t(lang)["app_long"], upload_form(lang, s.max_upload_mb, s.time_limit), lang))


async def check(request: Request) -> HTMLResponse:
    lang = _query_lang(request)
    settings: WebSettings = request.app.state.settings
    try:
        form = await _form(request, settings, lang)
        lang = lang_of(form.get("lang") or lang)
        answer = await _run(request, _payload(form, lang, settings, "page"))
    except _Problem as p:
        tx = t(lang)
        return HTMLResponse(page(tx["error_title"], error_body(p.message, lang), lang), status_code=p.status)
    return HTMLResponse(page(answer["title"], result_body(answer["body"], lang), lang))


async def api_check(request: Request) -> Response:
    lang = _query_lang(request)
    settings: WebSettings = request.app.state.settings
    try:
        form = await _form(request, settings, lang)
        lang = lang_of(form.get("lang") or lang)
        fmt = request.query_params.get("format") or form.get("format") or "json"
        if fmt not in FORMATS:
            raise _Problem(422, ("未知的格式：" if lang == "zh" else "unknown format: ") + fmt, "bad-format")
        answer = await _run(request, _payload(form, lang, settings, fmt))
    except _Problem as p:
        return JSONResponse({"error": {"code": p.code, "message": p.message}}, status_code=p.status)
    disposition = f"attachment; filename*=UTF-8''{quote(answer['filename'])}"
    return Response(answer["body"], media_type=answer["media_type"], headers={"content-disposition": disposition})


def rules_index(request: Request) -> HTMLResponse:
    lang = _query_lang(request)
    return HTMLResponse(page(t(lang)["rules_title"], rules_index_body(lang, _catalogue(request)), lang,
                             path="/rules"))


def rule_page(request: Request) -> HTMLResponse:
    lang = _query_lang(request)
    rule_id = request.path_params["rule_id"]
    found = rule_body(rule_id, lang, _catalogue(request))
    if found is None:
        tx = t(lang)
        return HTMLResponse(page(tx["rules_title"], error_body(tx["rule_missing"].format(id=rule_id), lang), lang),
                            status_code=404)
    title, body = found
    return HTMLResponse(page(title, body, lang, path=f"/rules/{rule_id}"))


def _catalogue(request: Request):
    from ..engine.runner import build_engine

    return build_engine(request.app.state.engine_config).catalogue


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def _not_found(request: Request, exc: Exception) -> Response:  # registered for HTTPException
    lang = _query_lang(request)
    tx = t(lang)
    status = getattr(exc, "status_code", 404)
    message = tx["not_found"] if status == 404 else str(getattr(exc, "detail", "")) or tx["internal_page"]
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": {"code": f"http-{status}", "message": message}}, status_code=status)
    return HTMLResponse(page(tx["error_title"], error_body(message, lang), lang), status_code=status)


async def _internal(request: Request, exc: Exception) -> Response:
    """Last resort: a one-line message in the page's own frame, never a traceback."""
    lang = _query_lang(request)
    tx = t(lang)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": {"code": "internal-error", "message": tx["internal_page"]}}, status_code=500)
    return HTMLResponse(page(tx["error_title"], error_body(tx["internal_page"], lang), lang), status_code=500)


def create_app(settings: WebSettings | None = None) -> Starlette:
    settings = settings or WebSettings()
    pool = WorkerPool(settings.workers, job=settings.job)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(pool.start)
        try:
            yield
        finally:
            await run_in_threadpool(pool.close)

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/check", check, methods=["POST"]),
            Route("/api/check", api_check, methods=["POST"]),
            Route("/rules", rules_index),
            Route("/rules/{rule_id}", rule_page),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)),
                    Middleware(_SecurityHeaders)],
        exception_handlers={HTTPException: _not_found, Exception: _internal},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pool = pool
    from ..config import Config, load_config

    app.state.engine_config = load_config(settings.config) if settings.config else Config()
    return app
