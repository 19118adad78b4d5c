"""The service's JSON API (FastAPI): instances, versions, jobs, results, edits, publishing,
calendar feeds. `create_app` builds it over a store and a job runner; `roster serve`
runs it with uvicorn.

Every error is a 4xx with `{"errors": [messages]}`, the messages those the command line
prints (file, field and value), and nothing is stored. Ids from a request are only ever
looked up in the store; file names from a request are checked against the names a
result has (`EXPORTS` beside its own files) or a plain-name pattern before any file is touched.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import dataclasses
import datetime as dt
import errno
import io
import json
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import Body, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi_offline import FastAPIOffline
from pydantic import ConfigDict, Field
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models import Horizon, InputError, Instance
from models.cells import restored_row
from models.errors import suggest
from models.instance import Strict
from scheduler.service.headers import SecurityHeaders
from scheduler.service.jobs import JobRunner
from scheduler.service.store import Clash, JobRow, PublishClashError, ResultRow, Store, VersionRow

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD = 20 * MB
DEFAULT_MAX_PERSON_DAYS = 30_000
"""People times days of the largest instance accepted (1,000 people for four weeks)."""
MAX_FILES = 1_000
"""Members of one zip upload: as many as the parts of one form (Starlette's own limit
for files sent one by one)."""
MAX_HISTORY = 8
"""Past weeks a solve may take its history from (as many as 'published' takes)."""
MAX_SCENARIOS = 200
"""Scenarios of one what-if job."""

LAST_ID = 2**63 - 1
"""The largest event id a database integer holds: `after` and Last-Event-ID above it are
refused or ignored rather than reaching the query."""
PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$")
INSTANCE_SUFFIXES = (".yaml", ".yml", ".json")
DATA_SUFFIXES = (".csv",)
TABLES = {"coverage": "coverage.csv", "batches": "batches.csv", "people": "people.csv"}
TABLE_SUMMARIES = {
    "coverage": "Required against assigned agents per queue and shift (coverage.csv)",
    "batches": "Each batch's gradings planned against its deadline (batches.csv)",
    "people": "Each person's hours, days and hard load against their limits (people.csv)",
}
EXPORTS = {
    "roster.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "report.html": "text/html; charset=utf-8",
}
KEPT = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".yaml": "application/yaml",
}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
SQLITE_FULL = 13
"""SQLite's result code for a full disk (sqlite3.SQLITE_FULL)."""
POSTGRES_DISK_FULL = "53100"
"""PostgreSQL's SQLSTATE for a full disk (disk_full)."""
DOCS_STATIC = "/docs-static"  # Swagger UI's and ReDoc's own files, for /docs and /redoc
OPEN_PREFIXES = ("/feeds/", "/static/", DOCS_STATIC + "/")  # no API token needed


class ApiError(Exception):
    def __init__(self, status: int, messages: list[str] | str) -> None:
        super().__init__(messages)
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else list(messages)


def _host_name(host: str) -> str:
    """The name in a Host header or an origin's authority, without port or brackets."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _foreign(request: Request, settings: Settings) -> JSONResponse | None:
    """A refusal for a request this server must not answer: a Host it does not go by
    (with `allowed_hosts`), or a change asked from a page of another site (its Origin,
    or Sec-Fetch-Site, says so; a browser sends them, a script's client does not)."""
    host = request.headers.get("host", "")
    if settings.allowed_hosts and _host_name(host) not in settings.allowed_hosts:
        names = ", ".join(settings.allowed_hosts)
        return JSONResponse(
            {"errors": [f"this server answers to {names} only, not to Host {host!r}"]},
            status_code=400,
        )
    if request.method in READ_METHODS:
        return None
    origin = request.headers.get("origin")
    other = origin is not None and (origin == "null" or urlsplit(origin).netloc != host)
    if other or request.headers.get("sec-fetch-site") == "cross-site":
        site = origin or "cross-site"
        message = f"a page of another site ({site}) may not change anything here"
        return JSONResponse({"errors": [message]}, status_code=403)
    return None


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, f"no {what} {ident!r}")


@dataclass
class Settings:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    max_person_days: int = DEFAULT_MAX_PERSON_DAYS
    tokens_required: bool = False
    """Every request needs an API token (the server listens beyond 127.0.0.1)."""
    allowed_hosts: tuple[str, ...] = ()
    """The Host names requests may name (none: any). `roster serve` without tokens
    allows only this machine's, so that a page on another site that renames itself to
    127.0.0.1 (DNS rebinding) cannot reach it."""
    public_url: str | None = None
    """The address people reach the server at (`--public-url`, behind a proxy), for the
    links it hands out (feed URLs); without it, the address it listens on, never a
    request's Host unless `allowed_hosts` vouches for it."""


def within_limits(people: int, days: int, settings: Settings, what: str) -> None:
    """`ApiError` 413 when an instance of `people` over `days` is above the server's
    limit; `what` names the instance (the upload's file, a patch, a scenario)."""
    size = people * days
    if size > settings.max_person_days:
        who = "1 person" if people == 1 else f"{people:,} people"
        span = "1 day" if days == 1 else f"{days:,} days"
        raise ApiError(
            413,
            f"{what}: {who} over {span} is {size:,} person-days, above this server's limit "
            f"of {settings.max_person_days:,}",
        )


def within_limits_of(document: dict[str, Any], settings: Settings, what: str) -> None:
    """`within_limits` for an instance as plain data (a stored version, a patched copy)."""
    people = document.get("people")
    horizon = document.get("horizon")
    days = horizon.get("days") if isinstance(horizon, dict) else None
    within_limits(
        len(people) if isinstance(people, list) else 0,
        days if isinstance(days, int) else Horizon.model_fields["days"].default,
        settings,
        what,
    )


# ---- request bodies --------------------------------------------------------------------


class _Body(Strict):
    """A request body: unknown fields refused, and true or false where a number goes
    (`time_limit: true`) refused rather than read as 1, as in an instance."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class SearchOptions(_Body):
    time_limit: float = Field(30.0, gt=0, le=24 * 3600, description="seconds")
    workers: int = Field(0, ge=0, le=64, description="search workers (0: by the machine)")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    deterministic_time: float | None = Field(None, gt=0)


class SolveRequest(SearchOptions):
    history: Literal["published", "none"] | list[str] = Field(
        "published",
        max_length=MAX_HISTORY,
        description="past weeks' results, newest last; 'published': the rosters published "
        "for the weeks before this one",
    )
    pin: str | None = Field(None, description="a result whose edits' pins are kept")


class CheckRequest(SearchOptions):
    fix_time_limit: float = Field(
        300.0,
        gt=0,
        le=24 * 3600,
        description="seconds the search for the contradiction and the fixes may take in "
        "all, after the solve",
    )


class WhatIfRequest(SearchOptions):
    scenarios: str = Field(description="the scenarios file's text (YAML; docs/whatif.md)")


class Away(_Body):
    person: str
    start: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class ReplanRequest(SearchOptions):
    start: dt.date = Field(alias="from", description="the first day to re-plan")
    unavailable: list[Away] = Field(default_factory=list)
    changes: dict[str, Any] | None = Field(None, description="what-if operations")


class ShiftGap(_Body):
    date: dt.date
    shift: str
    queue: str


class CoverRequest(_Body):
    shift: ShiftGap | None = None
    person: str | None = None
    start: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    batch: str | None = None
    items: int | None = Field(None, gt=0)
    top: int = Field(5, gt=0, le=50)


class EditsRequest(_Body):
    edits: list[str] | str = Field(
        description="edits in `roster try`'s words: one string, or one string an edit"
    )
    force: bool = Field(False, description="apply even when a hard rule breaks")


class PatchRequest(_Body):
    patch: dict[str, Any] = Field(description="operations in the patch language (docs/whatif.md)")
    base: str | None = Field(None, description="the version patched (default: the latest)")
    note: str = ""


class FeedRequest(_Body):
    person: str | None = Field(None, description="a person's id; none for the team feed")


# ---- access and limits -----------------------------------------------------------------


class BodyLimit:
    """Refuse a request body above the limit while it is read (no Content-Length
    trusted: a chunked body is counted), with the same message as an upload too large.

    Once the body is over the limit, reading it fails, and whatever the app answers
    then (FastAPI's form parsing makes any error of it a 400) is replaced by the 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0
        over = answered = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise _TooLargeError
            return message

        async def sending(message: Message) -> None:
            nonlocal answered
            if not over:
                await send(message)
            elif message["type"] == "http.response.start" and not answered:
                answered = True
                await _too_large(self.limit)(scope, receive, send)

        try:
            await self.app(scope, counted, sending)
        except Exception:
            if not over:
                raise
        if over and not answered:
            await _too_large(self.limit)(scope, receive, send)


class _TooLargeError(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {"errors": [f"the upload is larger than the limit of {limit / MB:g} MB"]}, status_code=413
    )


def _wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, not a feed)."""
    path = request.url.path
    return not path.startswith(("/api/", "/feeds/")) and "text/html" in request.headers.get(
        "accept", ""
    )


def _error_page(status: int, messages: list[str]) -> HTMLResponse:
    from html import escape

    items = "".join(f"<li>{escape(m)}</li>" for m in messages)
    return HTMLResponse(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>roster: "
        f"{status}</title><link rel='stylesheet' href='/static/page.css'></head><body><main>"
        f"<h1>{status}</h1><ul class='errors' role='alert'>{items}</ul>"
        "<p><a href='/'>Back to the instances</a></p></main></body></html>",
        status_code=status,
    )


@contextmanager
def disk_full_is_507() -> Iterator[None]:
    """A full disk while a request's files are written or stored is the server's
    trouble, said so: `ApiError` 507 (nothing is kept: the files were temporary, the
    store's transaction is rolled back). Scoped to those steps, not the whole app: an
    OSError of a streamed answer (a client gone) stays what it is."""
    try:
        yield
    except (OSError, OperationalError) as exc:
        if not _is_disk_full(exc):
            raise
        raise ApiError(
            507,
            "the server's disk is full: nothing of this request was stored; free some "
            "space on the server and send it again",
        ) from None


def _is_disk_full(exc: BaseException) -> bool:
    """No space left (or over quota) on a disk: an OSError, or the database saying so
    (SQLite's SQLITE_FULL, PostgreSQL's disk_full) through SQLAlchemy."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    cause = getattr(exc, "orig", None)
    return (
        getattr(cause, "sqlite_errorcode", None) == SQLITE_FULL
        or getattr(cause, "sqlstate", None) == POSTGRES_DISK_FULL
    )


def _token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get("roster_token")


# ---- the app ---------------------------------------------------------------------------


def create_app(store: Store, runner: JobRunner, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner.start()
        try:
            yield
        finally:
            await run_in_threadpool(runner.close)

    # FastAPIOffline serves Swagger UI and ReDoc from the package's own copies, so /docs
    # works with no network, as the page does.
    app = FastAPIOffline(
        static_url=DOCS_STATIC,
        title="roster",
        summary="Rosters for eval raters and support agents, planned with OR-Tools CP-SAT",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.store, app.state.runner, app.state.settings = store, runner, settings

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if _wants_page(request):
            return _error_page(exc.status, exc.messages)
        return JSONResponse({"errors": exc.messages}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or resource: {_request.url.path}"
        if _wants_page(_request):
            return _error_page(exc.status_code, [message])
        return JSONResponse({"errors": [message]}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        messages = []
        for error in exc.errors():
            if error.get("type") == "json_invalid":
                at = error.get("loc", ("body", 0))[-1]
                messages.append(f"the request body is not JSON (at character {at})")
                continue
            where = (
                ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "the request body"
            )
            value = error.get("input")
            shown = "" if isinstance(value, (dict, list)) or value is None else f" (got {value!r})"
            said = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            messages.append(f"{where}: {said}{shown}")
        return JSONResponse({"errors": messages}, status_code=422)

    @app.middleware("http")
    async def _access(request: Request, call_next: Any) -> Response:
        refused = _foreign(request, settings)
        if refused is not None:
            return refused
        path = request.url.path
        open_paths = path.startswith(OPEN_PREFIXES) or path in ("/login", "/health")
        if settings.tokens_required and not open_paths:
            token = _token_of(request)
            row = None if token is None else await run_in_threadpool(store.token, token, "api")
            if row is None:
                if _wants_page(request):
                    return RedirectResponse("/login", status_code=303)
                return JSONResponse(
                    {"errors": ["an API token is needed: Authorization: Bearer TOKEN"]},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if row.scope != "edit" and request.method not in READ_METHODS:
                return JSONResponse(
                    {"errors": [f"the token {row.name!r} may only read (scope read)"]},
                    status_code=403,
                )
        response: Response = await call_next(request)
        return response

    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)  # added last, so it wraps the rest: every answer

    _instances_api(app, store, runner, settings)
    _jobs_api(app, store, runner)
    _results_api(app, store, runner, settings)
    _feeds_api(app, store, settings)

    from scheduler.service.page import add_page

    add_page(app, store, runner)

    @app.get("/health", include_in_schema=False)
    def health(request: Request) -> dict[str, Any]:
        """Up or not, for anyone; the running jobs only for a live API token when tokens
        are required (a job's id is the key to its result)."""
        if settings.tokens_required:
            token = _token_of(request)
            if token is None or store.token(token, "api") is None:
                return {"ok": True}
        return {"ok": True, "running": runner.running()}

    return app


# ---- instances and versions ------------------------------------------------------------


def _upload_files(uploads: list[tuple[str, bytes]], limit: int) -> dict[str, bytes]:
    """The files of an upload by name: as sent, or the members of one zip."""
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        name, content = uploads[0]
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_FILES:
                raise ApiError(413, f"{name}: holds more than {MAX_FILES:,} files")
            total = sum(m.file_size for m in members)
            if total > limit:
                raise ApiError(413, f"{name}: unpacks to more than the limit of {limit / MB:g} MB")
            uploads = [
                (Path(m.filename).name, archive.read(m))
                for m in members
                if not Path(m.filename).name.startswith((".", "__MACOSX"))
                and "__MACOSX" not in m.filename
            ]
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ApiError(422, f"{name}: not a zip file that can be read ({exc})") from None
    files: dict[str, bytes] = {}
    problems = []
    for name, content in uploads:
        if not PLAIN_NAME.match(name) or not name.lower().endswith(
            INSTANCE_SUFFIXES + DATA_SUFFIXES
        ):
            problems.append(
                f"{name!r}: not a file an instance is made of (a .yaml, .yml or .json file "
                "and the .csv files it names; ASCII letters, digits, '.', '_', '-' and spaces)"
            )
        elif name in files:
            problems.append(f"{name}: sent twice")
        else:
            files[name] = content
    if problems:
        raise ApiError(422, problems)
    return files


def _entry(files: dict[str, bytes]) -> str:
    entries = [n for n in files if n.lower().endswith(INSTANCE_SUFFIXES)]
    if len(entries) != 1:
        found = ", ".join(sorted(entries)) or "none"
        raise ApiError(
            422,
            "send one instance file (.yaml, .yml or .json) with the .csv files it names; "
            f"found {found}",
        )
    return entries[0]


def validate_upload(files: dict[str, bytes], settings: Settings) -> tuple[str, Instance]:
    """The upload's instance file and the instance it validates to; `ApiError` 422 with the
    command line's messages otherwise."""
    from scheduler.formats import read_instance

    entry = _entry(files)
    with disk_full_is_507(), tempfile.TemporaryDirectory(prefix="roster-upload-") as tmp:
        here = Path(tmp)
        for name, content in files.items():
            (here / name).write_bytes(content)
        try:
            instance = read_instance(here / entry)
        except InputError as exc:
            raise ApiError(
                422, [m.replace(f"{here}/", "").replace(str(here), ".") for m in exc.messages]
            ) from None
    within_limits(len(instance.people), instance.horizon.days, settings, entry)
    return entry, instance


def _figures(instance: Instance) -> dict[str, Any]:
    return {
        "name": instance.name,
        "start": instance.horizon.start.isoformat(),
        "days": instance.horizon.days,
        "people": len(instance.people),
        "shifts": len(instance.shifts),
        "queues": len(instance.queues),
        "batches": len(instance.batches),
    }


def _version_json(store: Store, version: VersionRow, with_files: bool = False) -> dict[str, Any]:
    document = version.document
    out: dict[str, Any] = {
        "id": version.id,
        "instance_id": version.instance_id,
        "number": version.number,
        "created": version.created.isoformat(),
        "note": version.note,
        "figures": {
            "name": document.get("name"),
            "start": (document.get("horizon") or {}).get("start"),
            "days": (document.get("horizon") or {}).get("days"),
            "people": len(document.get("people") or []),
            "shifts": len(document.get("shifts") or []),
            "queues": len(document.get("queues") or []),
            "batches": len(document.get("batches") or []),
        },
    }
    if with_files:
        out["files"] = sorted(store.files(version.id))
    return out


def _job_json(job: JobRow) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "version_id": job.version_id,
        "options": {k: v for k, v in job.options.items() if k not in ("scenarios",)},
        "progress": job.progress,
        "reason": job.reason,
        "result_id": job.result_id,
        "created": job.created.isoformat(),
        "started": job.started.isoformat() if job.started else None,
        "finished": job.finished.isoformat() if job.finished else None,
        "links": {
            "self": f"/api/jobs/{job.id}",
            "events": f"/api/jobs/{job.id}/events",
            "result": f"/api/results/{job.result_id}" if job.result_id else None,
        },
    }


def _instances_api(app: FastAPI, store: Store, runner: JobRunner, settings: Settings) -> None:
    async def read_uploads(files: list[UploadFile]) -> dict[str, bytes]:
        uploads = [(f.filename or "", await f.read()) for f in files]
        # unpacking a zip, like parsing and validating, is off the event loop: the
        # server answers other requests meanwhile
        return await run_in_threadpool(_upload_files, uploads, settings.max_upload_bytes)

    @app.post("/api/validate", tags=["instances"], summary="Validate an upload; store nothing")
    async def validate(files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
        found = await read_uploads(files)
        _entry_name, instance = await run_in_threadpool(validate_upload, found, settings)
        return {"valid": True, "figures": _figures(instance)}

    @app.post(
        "/api/instances",
        status_code=201,
        tags=["instances"],
        summary="Upload an instance: its YAML or JSON file with its CSV files, or a zip",
    )
    async def upload(files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
        found = await read_uploads(files)
        entry, instance = await run_in_threadpool(validate_upload, found, settings)
        # the instance as JSON, like its parsing, off the event loop (10,000 people take
        # a while)
        document = await run_in_threadpool(lambda: instance.model_dump(mode="json"))
        with disk_full_is_507():
            instance_id, version_id = await run_in_threadpool(
                store.add_instance, instance.name, document, found, f"uploaded as {entry}"
            )
        return {"id": instance_id, "version_id": version_id, "figures": _figures(instance)}

    @app.get("/api/instances", tags=["instances"], summary="Every instance, newest last")
    def instances() -> list[dict[str, Any]]:
        out = []
        for row in store.instances():
            versions = store.versions(row.id)
            latest = versions[-1] if versions else None
            jobs = store.jobs([v.id for v in versions], limit=1) if versions else []
            out.append(
                {
                    "id": row.id,
                    "name": row.name,
                    "created": row.created.isoformat(),
                    "versions": len(versions),
                    "latest": _version_json(store, latest) if latest else None,
                    "last_job": _job_json(jobs[0]) if jobs else None,
                }
            )
        return out

    @app.get(
        "/api/instances/{instance_id}",
        tags=["instances"],
        summary="An instance with each of its versions",
    )
    def instance(instance_id: str) -> dict[str, Any]:
        rows = [r for r in store.instances() if r.id == instance_id]
        if not rows:
            raise not_found("instance", instance_id)
        versions = store.versions(instance_id)
        return {
            "id": rows[0].id,
            "name": rows[0].name,
            "created": rows[0].created.isoformat(),
            "versions": [_version_json(store, v) for v in versions],
        }

    @app.post(
        "/api/instances/{instance_id}/versions",
        status_code=201,
        tags=["instances"],
        summary="A new version from a patch (the patch language of what-if scenarios)",
    )
    def new_version(instance_id: str, body: PatchRequest) -> dict[str, Any]:
        from models.patch import PatchError, patched

        versions = store.versions(instance_id)
        if not versions:
            raise not_found("instance", instance_id)
        base = versions[-1]
        if body.base is not None:
            chosen = [v for v in versions if v.id == body.base]
            if not chosen:
                raise not_found(f"version of instance {instance_id}", body.base)
            base = chosen[0]
        current = Instance.model_validate(base.document)
        try:
            instance = patched(current, body.patch, Path(f"version {base.number}"))
        except PatchError as exc:
            raise ApiError(422, f"patch: {exc}") from None
        except InputError as exc:
            raise ApiError(422, exc.messages) from None
        within_limits(len(instance.people), instance.horizon.days, settings, "patch")
        document = instance.model_dump(mode="json")
        name = f"{re.sub(r'[^A-Za-z0-9._-]+', '-', instance.name).strip('-') or 'instance'}.json"
        files = {name: instance.model_dump_json(by_alias=True, indent=1).encode()}
        note = body.note or f"patched from version {base.number}"
        with disk_full_is_507():
            version_id = store.add_version(instance_id, document, files, note)
        version = store.version(version_id)
        assert version is not None
        return _version_json(store, version, with_files=True)

    def version_or_404(version_id: str) -> VersionRow:
        version = store.version(version_id)
        if version is None:
            raise not_found("version", version_id)
        return version

    def workable(version_id: str) -> VersionRow:
        """The version a job is to work on, within this server's limit (a version kept
        from before the limit was lowered is not)."""
        version = version_or_404(version_id)
        within_limits_of(version.document, settings, f"version {version.number}")
        return version

    @app.get(
        "/api/versions/{version_id}",
        tags=["instances"],
        summary="A version: its files, its note and its jobs",
    )
    def version(version_id: str) -> dict[str, Any]:
        found = version_or_404(version_id)
        out = _version_json(store, found, with_files=True)
        out["jobs"] = [_job_json(j) for j in store.jobs([version_id], limit=50)]
        return out

    @app.get(
        "/api/versions/{version_id}/instance", tags=["instances"], summary="The instance, as JSON"
    )
    def version_instance(version_id: str) -> dict[str, Any]:
        return version_or_404(version_id).document

    @app.get(
        "/api/versions/{version_id}/files/{name}",
        tags=["instances"],
        summary="One of the version's files, as uploaded",
    )
    def version_file(version_id: str, name: str) -> Response:
        version_or_404(version_id)
        files = store.files(version_id)
        if name not in files:
            raise not_found(f"file of version {version_id}", name)
        media = "text/csv" if name.endswith(".csv") else "application/octet-stream"
        return Response(files[name], media_type=media, headers=_attachment(name))

    def queue(kind: str, version_id: str, options: dict[str, Any]) -> dict[str, Any]:
        return _queue(store, runner, kind, version_id, options)

    @app.post(
        "/api/versions/{version_id}/solve",
        status_code=202,
        tags=["jobs"],
        summary="Queue a solve; the job's id and links",
    )
    def solve(
        version_id: str, body: Annotated[SolveRequest | None, Body()] = None
    ) -> dict[str, Any]:
        body = body or SolveRequest()
        found = workable(version_id)
        options = body.model_dump(exclude={"history", "pin"}, exclude_none=True)
        options["history"] = _history(store, found, body.history)
        if body.pin is not None:
            if store.result(body.pin) is None:
                raise not_found("result", body.pin)
            options["base"] = body.pin
        return queue("solve", version_id, options)

    @app.post(
        "/api/versions/{version_id}/check",
        status_code=202,
        tags=["jobs"],
        summary="Check this version: a job giving the verdict, reasons and verified fixes",
    )
    def check(
        version_id: str, body: Annotated[CheckRequest | None, Body()] = None
    ) -> dict[str, Any]:
        workable(version_id)
        return queue("check", version_id, (body or CheckRequest()).model_dump(exclude_none=True))

    @app.post(
        "/api/versions/{version_id}/whatif",
        status_code=202,
        tags=["jobs"],
        summary="Compare scenarios of this version: a job giving the what-if table",
    )
    def whatif(version_id: str, body: WhatIfRequest) -> dict[str, Any]:
        from models.patch import instance_data
        from scheduler.whatif import read_scenarios

        version = workable(version_id)
        with tempfile.TemporaryDirectory(prefix="roster-scenarios-") as tmp:
            path = Path(tmp) / "scenarios.yaml"
            path.write_text(body.scenarios)
            try:
                scenarios = read_scenarios(path)
            except InputError as exc:
                raise ApiError(
                    422, [m.replace(str(path), "scenarios") for m in exc.messages]
                ) from None
        if len(scenarios) > MAX_SCENARIOS:
            raise ApiError(
                422,
                f"scenarios: {len(scenarios):,} scenarios, more than {MAX_SCENARIOS} in one job",
            )
        base = instance_data(Instance.model_validate(version.document))  # as the job patches it
        for index, scenario in enumerate(scenarios):
            where = f"scenarios[{index}] ({scenario.name})"
            _scenario_within_limits(base, scenario.operations, settings, where)
        return queue("whatif", version_id, body.model_dump(exclude_none=True))


SIZED = ("people", "horizon")
"""What an instance's size (people times days) is made of."""


def _scenario_within_limits(
    document: dict[str, Any], operations: dict[str, Any], settings: Settings, what: str
) -> None:
    """`within_limits` for an instance patched by a what-if scenario's operations. Only
    those that reach the people or the horizon are applied, to a copy of those two alone
    (a copy of the whole week for each of 200 scenarios would take seconds); operations
    that do not apply are left to the job, whose row for the scenario says why."""
    from models.patch import PatchError, apply_operations

    sized: dict[str, Any] = {
        k: operations[k] for k in ("remove_people", "add_people") if k in operations
    }
    for op in ("set", "append"):
        paths = operations.get(op)
        if isinstance(paths, dict):
            reaching = {k: v for k, v in paths.items() if str(k).split(".")[0] in SIZED}
            if reaching:
                sized[op] = reaching
    data = {key: document[key] for key in SIZED if key in document}
    if sized:
        data = copy.deepcopy(data)
        try:
            apply_operations(data, sized)
        except PatchError:
            return
    within_limits_of(data, settings, what)


def _queue(
    store: Store, runner: JobRunner, kind: str, version_id: str, options: dict[str, Any]
) -> dict[str, Any]:
    """A new job, queued and a free slot woken: the job as the API shows it."""
    job_id = store.add_job(kind, version_id, options)
    runner.wake()
    job = store.job(job_id)
    assert job is not None
    return _job_json(job)


def _history(store: Store, version: VersionRow, asked: str | list[str]) -> list[str]:
    """The results whose rosters are the week's history, newest last."""
    if asked == "none":
        return []
    if isinstance(asked, list):
        if len(set(asked)) != len(asked):
            raise ApiError(422, "history: a result named twice")
        for result_id in asked:
            if store.result(result_id) is None:
                raise not_found("result", result_id)
        return list(asked)
    start = dt.date.fromisoformat(str((version.document.get("horizon") or {}).get("start")))
    # the weeks this instance published (by its name), not another's of the same dates
    owner = str(version.document.get("name", ""))
    weeks = [p for p in store.published_weeks(owner) if p.week < start]
    return [p.result_id for p in weeks[-8:]]


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


# ---- jobs ------------------------------------------------------------------------------


STREAM_CLOSING_SECONDS = 10.0
"""How long, once the server stops, an event stream waits for its job to stop."""


def _jobs_api(app: FastAPI, store: Store, runner: JobRunner) -> None:
    def job_or_404(job_id: str) -> JobRow:
        job = store.job(job_id)
        if job is None:
            raise not_found("job", job_id)
        return job

    @app.get("/api/jobs", tags=["jobs"], summary="The latest jobs, newest first")
    def jobs(
        version: Annotated[str | None, Query()] = None,
        limit: Annotated[int, Query(gt=0, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        return [_job_json(j) for j in store.jobs([version] if version else None, limit)]

    @app.get("/api/jobs/{job_id}", tags=["jobs"], summary="A job's state and latest progress")
    def job(job_id: str) -> dict[str, Any]:
        return _job_json(job_or_404(job_id))

    @app.get("/api/jobs/{job_id}/output", tags=["jobs"], summary="What the job's command printed")
    def output(job_id: str) -> PlainTextResponse:
        job_or_404(job_id)
        return PlainTextResponse(store.output(job_id))

    @app.delete(
        "/api/jobs/{job_id}",
        status_code=202,
        tags=["jobs"],
        summary="Stop a job; the best roster found by then is kept",
    )
    def stop(job_id: str) -> dict[str, Any]:
        found = job_or_404(job_id)
        if found.state not in ("queued", "running") or not runner.stop(job_id):
            raise ApiError(409, f"job {job_id} is {found.state}: it cannot be stopped")
        return _job_json(job_or_404(job_id))

    @app.get(
        "/api/jobs/{job_id}/events",
        tags=["jobs"],
        summary="Server-Sent Events: each better roster (objective, bound, gap, seconds, "
        "source) as `progress`, what the job is doing as `stage`, and its `end`",
        response_class=StreamingResponse,
    )
    async def events(
        job_id: str, request: Request, after: Annotated[int, Query(ge=0, le=LAST_ID)] = 0
    ) -> StreamingResponse:
        await run_in_threadpool(job_or_404, job_id)
        last = request.headers.get("last-event-id", "")
        # ASCII digits only: '²' is a digit to str.isdigit but not to int()
        given = int(last) if re.fullmatch(r"[0-9]{1,19}", last) else None
        start = given if given is not None and given <= LAST_ID else after

        async def stream() -> AsyncIterator[str]:
            seen = start
            stage: str | None = None
            quiet = 0.0
            closing_since: float | None = None
            while True:
                found = await run_in_threadpool(store.events, job_id, seen)
                for event in found:
                    seen = event.id
                    figures = {
                        "seconds": event.seconds,
                        "objective": event.objective,
                        "bound": event.bound,
                        "gap": event.gap,
                        "source": event.source,
                        "found_at": event.found_at,
                    }
                    yield f"id: {event.id}\nevent: progress\ndata: {json.dumps(figures)}\n\n"
                current = await run_in_threadpool(store.job, job_id)
                now = (current.progress or {}).get("stage") if current else None
                if now and now != stage:
                    stage = now
                    yield f"event: stage\ndata: {json.dumps({'stage': stage})}\n\n"
                if current is None or current.state not in ("queued", "running"):
                    if not found:
                        state = _job_json(current) if current else {"state": "gone"}
                        yield f"event: end\ndata: {json.dumps(state)}\n\n"
                        return
                    continue
                if runner.closing:
                    # the server stops: a job running here is stopping and its end is
                    # sent in a moment; a queued job's stream (or one slow to stop) ends
                    # now, so that the server's stop does not wait for the job
                    clock = asyncio.get_running_loop().time()
                    closing_since = closing_since or clock
                    ours = job_id in await run_in_threadpool(runner.running)
                    if not ours or clock - closing_since > STREAM_CLOSING_SECONDS:
                        said = {"state": current.state, "reason": "the server is stopping"}
                        yield f"event: closing\ndata: {json.dumps(said)}\n\n"
                        return
                if await request.is_disconnected():
                    return
                quiet = 0.0 if found else quiet + 0.1
                if quiet >= 15:
                    quiet = 0.0
                    yield ": still running\n\n"
                await asyncio.sleep(0.1)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


# ---- results ---------------------------------------------------------------------------


def csv_rows(content: bytes) -> list[dict[str, str]]:
    """The rows of one of a result's CSV files, each text as written (`models.cells`)."""
    return [restored_row(row) for row in csv.DictReader(io.StringIO(content.decode()))]


def _results_api(app: FastAPI, store: Store, runner: JobRunner, settings: Settings) -> None:
    def result_or_404(result_id: str) -> ResultRow:
        found = store.result(result_id)
        if found is None:
            raise not_found("result", result_id)
        return found

    def files_of(result_id: str) -> dict[str, bytes]:
        result_or_404(result_id)
        return store.files(result_id)

    def roster_files(result_id: str, status: int = 404) -> dict[str, bytes]:
        """The files of a result that holds a roster; a what-if's comparison (or a job
        that wrote none) is `status`: 404 for what is read of it, 409 for a change."""
        files = files_of(result_id)
        if "roster.csv" not in files or "instance.json" not in files:
            what = "a what-if comparison" if "whatif.csv" in files else "a result"
            raise ApiError(
                status,
                f"result {result_id} is {what} without a roster (no roster.csv): it has no "
                "roster to show, download or change",
            )
        return files

    @contextmanager
    def folder_of(result_id: str, exports: bool = False, status: int = 404) -> Iterator[Path]:
        roster_files(result_id, status)
        with tempfile.TemporaryDirectory(prefix="roster-result-") as tmp:
            folder = Path(tmp) / "result"
            store.write_result(result_id, folder, exports=exports)
            yield folder

    def instance_of(result_id: str, status: int = 404) -> Instance:
        files = roster_files(result_id, status)
        return Instance.model_validate_json(files["instance.json"])

    def workable(result_id: str) -> Instance:
        """The instance of a roster to change, within this server's limit."""
        instance = instance_of(result_id, 409)
        where = f"result {result_id}"
        within_limits(len(instance.people), instance.horizon.days, settings, where)
        return instance

    @app.get("/api/results/{result_id}", tags=["results"], summary="A result's summary")
    def result(result_id: str) -> dict[str, Any]:
        found = result_or_404(result_id)
        names = sorted(store.files(result_id))
        week = next(
            (p.week.isoformat() for p in store.published_weeks() if p.result_id == result_id),
            None,
        )
        return {
            "id": found.id,
            "version_id": found.version_id,
            "job_id": found.job_id,
            "created": found.created.isoformat(),
            "summary": found.summary,
            "published_week": week,
            "files": names,
            "downloads": [f"/api/results/{result_id}/files/{n}" for n in [*names, *EXPORTS]],
        }

    @app.get(
        "/api/results/{result_id}/roster",
        tags=["results"],
        summary="Roster rows, filtered by person, day, shift, queue (activity) or batch",
    )
    def roster(
        result_id: str,
        person: str | None = None,
        date: dt.date | None = None,
        shift: str | None = None,
        queue: str | None = None,
        batch: str | None = None,
    ) -> dict[str, Any]:
        rows = csv_rows(roster_files(result_id)["roster.csv"])
        wanted = {
            "person": person,
            "date": date.isoformat() if date else None,
            "shift": shift,
            "activity": queue,
            "batch": batch,
        }
        for column, value in wanted.items():
            if value is not None:
                rows = [r for r in rows if r.get(column) == value]
        return {"rows": rows, "count": len(rows)}

    for table, file_name in TABLES.items():

        def read_table(result_id: str, file_name: str = file_name) -> dict[str, Any]:
            files = files_of(result_id)
            rows = csv_rows(files[file_name]) if file_name in files else []
            return {"rows": rows, "count": len(rows)}

        app.get(
            f"/api/results/{{result_id}}/{table}",
            tags=["results"],
            name=table,
            summary=TABLE_SUMMARIES[table],
        )(read_table)

    @app.get(
        "/api/results/{result_id}/check",
        tags=["results"],
        summary="The check's verdict, with each shortfall's reason and the fixes",
    )
    def check_verdict(result_id: str) -> dict[str, Any]:
        files = files_of(result_id)
        if "check.json" not in files:
            raise ApiError(404, f"result {result_id} is not a check's (no check.json)")
        found: dict[str, Any] = json.loads(files["check.json"])
        return found

    @app.get("/api/results/{result_id}/changes", tags=["results"], summary="A replan's changes")
    def changes(result_id: str) -> dict[str, Any]:
        files = files_of(result_id)
        if "changes.csv" not in files:
            raise ApiError(
                404, f"result {result_id} has no changes: not a replan, or one that found no roster"
            )
        rows = csv_rows(files["changes.csv"])
        return {"rows": rows, "count": len(rows)}

    @app.get(
        "/api/results/{result_id}/files/{name}",
        tags=["results"],
        summary="A download: the result's CSV and JSON files, roster.xlsx, report.html",
    )
    def download(result_id: str, name: str) -> Response:
        files = files_of(result_id)
        if name in files:
            media = KEPT.get(Path(name).suffix, "application/octet-stream")
            return Response(files[name], media_type=media, headers=_attachment(name))
        if name not in EXPORTS:
            raise not_found(f"file of result {result_id}", name)
        with folder_of(result_id, exports=True) as folder:
            content = (folder / name).read_bytes()
        headers = {} if name == "report.html" else _attachment(name)
        return Response(content, media_type=EXPORTS[name], headers=headers)

    @app.get(
        "/api/results/{result_id}/calendars/{person}.ics",
        tags=["results"],
        summary="A person's calendar of this roster ('team' for everyone's)",
    )
    def calendar(result_id: str, person: str) -> Response:
        from models import read_roster_csv
        from scheduler.outputs.calendars import feed

        instance = instance_of(result_id)
        if person != "team" and person not in instance.person_by_id:
            raise not_found(f"person in result {result_id}", person)
        with folder_of(result_id) as folder:
            rows = read_roster_csv(folder / "roster.csv")
        content = feed([(instance, rows)], None if person == "team" else person)
        return Response(content, media_type="text/calendar; charset=utf-8")

    # ---- edits ----

    def parsed(body: EditsRequest) -> list[Any]:
        import shlex

        from models.edits import parse_edits

        words: list[str] = []
        for text in [body.edits] if isinstance(body.edits, str) else body.edits:
            try:
                words.extend(shlex.split(text))
            except ValueError as exc:
                raise ApiError(422, f"edits: {text!r}: {exc}") from None
        try:
            return parse_edits(words)
        except InputError as exc:
            raise ApiError(422, [f"edits: {m}" for m in exc.messages]) from None

    @app.post(
        "/api/results/{result_id}/try",
        tags=["edits"],
        summary="Try edits: every hard rule broken and every goal changed; nothing stored",
    )
    def try_edit(result_id: str, body: EditsRequest) -> dict[str, Any]:
        from scheduler.edits import read_folder, try_edits

        edits = parsed(body)
        workable(result_id)
        with folder_of(result_id, status=409) as folder_path:
            folder = read_folder(folder_path)
            try:
                outcome, _rows, _evaluation, _touched = try_edits(
                    folder.instance, folder.roster, edits, "the result"
                )
            except InputError as exc:
                raise ApiError(422, exc.messages) from None
        answer: dict[str, Any] = outcome.model_dump(mode="json")
        answer.update(feasible=outcome.feasible, objective_change=outcome.objective_change)
        return answer

    @app.post(
        "/api/results/{result_id}/apply",
        status_code=201,
        tags=["edits"],
        summary="Apply edits: a new result marked edited, the edits kept as pins",
    )
    def apply(result_id: str, body: EditsRequest) -> dict[str, Any]:
        from scheduler.edits import read_folder, try_edits, write_edited

        edits = parsed(body)
        found = result_or_404(result_id)
        workable(result_id)
        with folder_of(result_id, status=409) as folder_path:
            folder = read_folder(folder_path)
            try:
                outcome, rows, evaluation, touched = try_edits(
                    folder.instance, folder.roster, edits, "the result"
                )
            except InputError as exc:
                raise ApiError(422, exc.messages) from None
            if not outcome.feasible and not body.force:
                broken = [str(v) for v in outcome.new_violations or outcome.violations]
                raise ApiError(
                    409,
                    [
                        "the edits break a hard rule (send force: true to apply them anyway)",
                        *broken,
                    ],
                )
            folder = dataclasses.replace(folder, path=Path(f"result {result_id}"))
            edited = folder_path.parent / "edited"
            with disk_full_is_507():
                log = write_edited(edited, folder, edits, rows, evaluation, touched, exports=False)
                new_id = store.save_result(found.version_id, edited)
        return {
            "id": new_id,
            "result": f"/api/results/{new_id}",
            "feasible": outcome.feasible,
            "pins": len(log.pins),
            "objective_change": outcome.objective_change,
        }

    @app.post(
        "/api/results/{result_id}/cover",
        status_code=202,
        tags=["edits"],
        summary="Who can cover: a job whose output is the ranked candidates (JSON)",
    )
    def cover(result_id: str, body: CoverRequest) -> dict[str, Any]:
        found = result_or_404(result_id)
        instance = workable(result_id)
        asked = [n for n in ("shift", "person", "batch") if getattr(body, n) is not None]
        if len(asked) != 1:
            raise ApiError(
                422,
                "give one of shift {date, shift, queue}, person with from (and to), batch "
                "with items",
            )
        options: dict[str, Any] = {"base": result_id, "top": body.top}
        problems = []
        if body.shift is not None:
            gap = body.shift
            problems += _unknown(instance, dates=[gap.date], shifts=[gap.shift])
            if gap.queue not in {q.id for q in instance.queues}:
                problems.append(f"shift.queue: no queue {gap.queue!r} in the instance")
            options["shift"] = [gap.date.isoformat(), gap.shift, gap.queue]
        elif body.person is not None:
            if body.start is None:
                problems.append("person: give from (and to for more than a day)")
            else:
                dates = [body.start, *([body.to] if body.to else [])]
                problems += _unknown(instance, people=[body.person], dates=dates)
                options.update(person=body.person, **{"from": body.start.isoformat()})
                if body.to:
                    options["to"] = body.to.isoformat()
        else:
            if body.items is None:
                problems.append("batch: give items, the gradings to place")
            if body.batch not in {b.id for b in instance.batches}:
                problems.append(f"batch: no batch {body.batch!r} in the instance")
            options.update(batch=body.batch, items=body.items)
        if problems:
            raise ApiError(422, problems)
        return _queue(store, runner, "cover", found.version_id, options)

    @app.post(
        "/api/results/{result_id}/replan",
        status_code=202,
        tags=["jobs"],
        summary="Re-plan this roster from a date with the fewest changes (someone out, say)",
    )
    def replan(result_id: str, body: ReplanRequest) -> dict[str, Any]:
        from models.patch import PatchError, patched

        found = result_or_404(result_id)
        instance = workable(result_id)
        problems = _unknown(
            instance,
            dates=[body.start, *(d for a in body.unavailable for d in (a.start, a.to) if d)],
            people=[a.person for a in body.unavailable],
        )
        if problems:
            raise ApiError(422, problems)
        version = store.version(found.version_id)
        if body.changes and version is not None:
            # the job patches the version's instance: a patch that does not apply, or
            # makes an instance above the limit, is refused now rather than in the job
            try:
                changed = patched(Instance.model_validate(version.document), body.changes)
            except PatchError as exc:
                raise ApiError(422, f"changes: {exc}") from None
            within_limits(len(changed.people), changed.horizon.days, settings, "changes")
        options = body.model_dump(
            exclude={"start", "unavailable", "changes"}, exclude_none=True, by_alias=True
        )
        options["from"] = body.start.isoformat()
        options["base"] = result_id
        options["unavailable"] = [
            ":".join(
                [a.person, a.start.isoformat() if a.start else "", a.to.isoformat() if a.to else ""]
            ).rstrip(":")
            for a in body.unavailable
        ]
        if body.changes:
            import yaml

            options["changes"] = yaml.safe_dump(body.changes)
        return _queue(store, runner, "replan", found.version_id, options)

    # ---- publishing ----

    @app.post(
        "/api/results/{result_id}/publish",
        tags=["publish"],
        summary="Publish this roster for its week: the feeds serve it, the next week's "
        "solve takes its history from it",
    )
    def publish(result_id: str, force: bool = False, replace: bool = False) -> dict[str, Any]:
        found = result_or_404(result_id)
        files = store.files(result_id)
        summary = found.summary
        if summary.get("status") not in ("optimal", "best_found", "edited"):
            raise ApiError(409, f"result {result_id} has no roster to publish")
        broken = (summary.get("check") or {}).get("violations") or []
        if broken and not force:
            raise ApiError(
                409,
                f"result {result_id} breaks {len(broken)} hard rule"
                f"{'s' if len(broken) != 1 else ''} (the checker's verdict): publish it "
                "anyway with ?force=true",
            )
        instance = Instance.model_validate_json(files["instance.json"])
        try:
            replaced = store.publish(result_id, replace=replace)
        except PublishClashError as clash:
            raise ApiError(409, [clash_message(c, instance.name) for c in clash.clashes]) from None
        return {
            "week": instance.horizon.start.isoformat(),
            "owner": instance.name,
            "result_id": result_id,
            "replaced": [_clash_json(c) for c in replaced],
        }

    @app.get("/api/published", tags=["publish"], summary="The published roster of each week")
    def published() -> list[dict[str, Any]]:
        return [
            {
                "week": p.week.isoformat(),
                "owner": p.owner,
                "days": p.days,
                "result_id": p.result_id,
                "published": p.published.isoformat(),
            }
            for p in store.published_weeks()
        ]


def clash_message(clash: Clash, owner: str) -> str:
    """Why publishing a roster of `owner` waits for `replace`: whose week it replaces."""
    shown = ", ".join(clash.people[:3]) + (", ..." if len(clash.people) > 3 else "")
    count = len(clash.people)
    return (
        f"the week of {clash.week} is published by {clash.owner!r} (result {clash.result_id}) "
        f"for {count} of the same {'person' if count == 1 else 'people'} ({shown}): "
        f"publishing this roster of {owner!r} replaces it in their calendar feeds; send "
        "?replace=true to replace it"
    )


def _clash_json(clash: Clash) -> dict[str, Any]:
    return {
        "owner": clash.owner,
        "week": clash.week.isoformat(),
        "result_id": clash.result_id,
        "people": len(clash.people),
    }


def _unknown(
    instance: Instance,
    people: list[str] | None = None,
    dates: list[dt.date] | None = None,
    shifts: list[str] | None = None,
) -> list[str]:
    problems = []
    for person in people or []:
        if person not in instance.person_by_id:
            problems.append(f"person: no person {person!r} in the instance")
    days = set(instance.dates)
    for date in dates or []:
        if date not in days:
            problems.append(
                f"date: {date} is not a day of the horizon "
                f"({instance.dates[0]} to {instance.dates[-1]})"
            )
    for shift in shifts or []:
        if shift not in {s.id for s in instance.shifts}:
            problems.append(f"shift: no shift {shift!r} in the instance")
    return problems


# ---- calendar feeds --------------------------------------------------------------------


def base_url(request: Request, settings: Settings) -> str:
    """The address of this server for the links it hands out: the configured public
    one; else the request's own when its Host is one of `allowed_hosts`; else the
    address the request reached (the listening socket's), never a Host a client chose."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if settings.allowed_hosts:
        return str(request.base_url).rstrip("/")
    server = request.scope.get("server")
    if not server:
        return ""  # no address known: the path alone
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else str(host)
    scheme = request.url.scheme
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def _feeds_api(app: FastAPI, store: Store, settings: Settings) -> None:
    @app.post(
        "/api/feeds",
        status_code=201,
        tags=["feeds"],
        summary="A new feed URL for a person (or the team), ending the one before (renew)",
    )
    def new_feed(body: FeedRequest, request: Request) -> dict[str, Any]:
        person = body.person or ""
        if person:
            # a person of some stored instance (a feed is over every published week)
            known = {
                str(p.get("id"))
                for row in store.instances()
                for version in store.versions(row.id)
                for p in version.document.get("people", [])
                if isinstance(p, dict)
            }
            if person not in known:
                hint = suggest(person, sorted(known))
                raise ApiError(422, [f"person: no person {person!r} in any stored instance{hint}"])
        token = store.renew_feed(person)
        path = f"/feeds/{token}.ics"
        url = base_url(request, settings) + path
        return {"person": body.person, "path": path, "url": url}

    @app.delete("/api/feeds", tags=["feeds"], summary="End a person's (or the team's) feed")
    def end_feed(person: str | None = None) -> dict[str, Any]:
        count = store.revoke("feed", person=person or "")
        if not count:
            raise not_found("live feed of", person or "the team")
        return {"revoked": count}

    @app.get("/api/feeds", tags=["feeds"], summary="Who has a live feed (the URLs are not kept)")
    def feeds() -> list[dict[str, Any]]:
        return [
            {"person": t.person or None, "created": t.created.isoformat()}
            for t in store.live_tokens("feed")
        ]

    @app.get("/feeds/{name}", tags=["feeds"], summary="A calendar feed (its token in the URL)")
    def serve_feed(name: str) -> Response:
        from models import read_roster_csv
        from scheduler.outputs.calendars import feed

        token = name.removesuffix(".ics")
        row = store.token(token, "feed") if name.endswith(".ics") else None
        if row is None:
            raise ApiError(404, "no such feed (it may have been renewed or revoked)")
        weeks = []
        for published in store.published_weeks():
            files = store.files(published.result_id)
            instance = Instance.model_validate_json(files["instance.json"])
            with tempfile.TemporaryDirectory(prefix="roster-feed-") as tmp:
                path = Path(tmp) / "roster.csv"
                path.write_bytes(files["roster.csv"])
                weeks.append((instance, read_roster_csv(path)))
        content = feed(weeks, row.person or None)
        return Response(content, media_type="text/calendar; charset=utf-8")
