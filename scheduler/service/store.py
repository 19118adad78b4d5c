"""The service's store: instances as uploaded, jobs and their progress, results, tokens.

SQLAlchemy 2 over SQLite (one file, the embedded default) or PostgreSQL (a team
server, `postgresql+psycopg://...`). The schema is made and changed only by the
Alembic migrations in `scheduler/service/migrations` (`Store.migrate`), never by
`create_all`, so that a database made by one release is brought up to the next.

What is kept:

- an instance and every version of it, each with its files as uploaded (the YAML or
  JSON and the CSV files beside it) and the instance it validates to;
- jobs (solve, check, replan, what-if, cover) in the order they were queued, their
  state (`JOB_STATES`), options, latest progress and each better roster's event;
- results: the output folder's files, so that every export can be rebuilt;
- the roster published for each week;
- API tokens and calendar feed tokens, as SHA-256 hashes only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

JOB_STATES = ("queued", "running", "done", "failed", "stopped", "interrupted")
JOB_KINDS = ("solve", "check", "replan", "whatif", "cover")
TOKEN_SCOPES = ("read", "edit")
OUTPUT_FILE = "output.txt"
"""What a job's command printed, kept as a file of the job."""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


Tx: TypeAlias = Any
"""A unit of work of SQLAlchemy's ORM, open for one `Store.transaction`."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _id() -> str:
    return uuid.uuid4().hex


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Base(DeclarativeBase):
    pass


class InstanceRow(Base):
    __tablename__ = "instances"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class VersionRow(Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("instance_id", "number"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The instance the files validate to (`Instance.model_dump(mode="json")`)."""
    note: Mapped[str] = mapped_column(Text, default="")


class FileRow(Base):
    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("owner", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(32), index=True)
    """The version or result the file belongs to."""
    name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class JobRow(Base):
    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    """The order jobs were queued in."""
    kind: Mapped[str] = mapped_column(String(20))
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    worker: Mapped[str] = mapped_column(String(100), default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    started: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    result_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    seconds: Mapped[float] = mapped_column(Float)
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)
    bound: Mapped[float | None] = mapped_column(Float, nullable=True)
    gap: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(60), default="")
    found_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    """When the worker found it: seconds since the epoch (its machine's clock)."""


class ResultRow(Base):
    __tablename__ = "results"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class PublishedRow(Base):
    __tablename__ = "published"
    week: Mapped[dt.date] = mapped_column(primary_key=True)
    """The first day of the published roster's horizon."""
    result_id: Mapped[str] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"))
    published: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class TokenRow(Base):
    __tablename__ = "tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    kind: Mapped[str] = mapped_column(String(10))
    """"api" (with a scope) or "feed" (with a person, or none for the team feed)."""
    name: Mapped[str] = mapped_column(String(200), default="")
    scope: Mapped[str] = mapped_column(String(10), default="")
    person: Mapped[str] = mapped_column(String(200), default="")
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Store:
    """The store at a database URL (`sqlite:///path`, `postgresql+psycopg://...`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._units = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def in_folder(cls, folder: Path) -> Store:
        """The embedded store: one SQLite file in `folder`, made on first use."""
        folder.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{(folder / 'roster.db').resolve()}")

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision` with the Alembic migrations."""
        from alembic import command

        command.upgrade(alembic_config(self.url), revision)

    def downgrade(self, revision: str) -> None:
        """Take the schema back to `revision` ("base": empty)."""
        from alembic import command

        command.downgrade(alembic_config(self.url), revision)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One unit of work, committed at the end (rolled back on an error)."""
        with self._units.begin() as tx:
            yield tx

    # ---- instances ----------------------------------------------------------------

    def add_instance(
        self, name: str, document: dict[str, Any], files: dict[str, bytes], note: str = ""
    ) -> tuple[str, str]:
        """A new instance with its first version: (instance id, version id)."""
        with self.transaction() as tx:
            row = InstanceRow(name=name)
            tx.add(row)
            tx.flush()
            version = self._version(tx, row.id, 1, document, files, note)
            return row.id, version

    def add_version(
        self, instance_id: str, document: dict[str, Any], files: dict[str, bytes], note: str = ""
    ) -> str:
        """A new version of an instance (its number the next); its id."""
        with self.transaction() as tx:
            if tx.get(InstanceRow, instance_id) is None:
                raise KeyError(instance_id)
            last = tx.scalars(
                select(VersionRow.number)
                .where(VersionRow.instance_id == instance_id)
                .order_by(VersionRow.number.desc())
            ).first()
            return self._version(tx, instance_id, (last or 0) + 1, document, files, note)

    def _version(
        self,
        tx: Tx,
        instance_id: str,
        number: int,
        document: dict[str, Any],
        files: dict[str, bytes],
        note: str,
    ) -> str:
        version = VersionRow(instance_id=instance_id, number=number, document=document, note=note)
        tx.add(version)
        tx.flush()
        tx.add_all(FileRow(owner=version.id, name=n, content=c) for n, c in files.items())
        return version.id

    def instances(self) -> list[InstanceRow]:
        with self.transaction() as tx:
            return list(tx.scalars(select(InstanceRow).order_by(InstanceRow.created)))

    def versions(self, instance_id: str) -> list[VersionRow]:
        with self.transaction() as tx:
            return list(
                tx.scalars(
                    select(VersionRow)
                    .where(VersionRow.instance_id == instance_id)
                    .order_by(VersionRow.number)
                )
            )

    def version(self, version_id: str) -> VersionRow | None:
        with self.transaction() as tx:
            found: VersionRow | None = tx.get(VersionRow, version_id)
            return found

    def files(self, owner: str) -> dict[str, bytes]:
        """The files of a version or a result, by name."""
        with self.transaction() as tx:
            rows = tx.scalars(select(FileRow).where(FileRow.owner == owner).order_by(FileRow.name))
            return {r.name: r.content for r in rows}

    # ---- jobs -----------------------------------------------------------------------

    def add_job(self, kind: str, version_id: str, options: dict[str, Any]) -> str:
        if kind not in JOB_KINDS:
            raise ValueError(f"job kind {kind!r} is not one of {', '.join(JOB_KINDS)}")
        with self.transaction() as tx:
            if tx.get(VersionRow, version_id) is None:
                raise KeyError(version_id)
            last = tx.scalars(select(JobRow.seq).order_by(JobRow.seq.desc())).first()
            job = JobRow(kind=kind, version_id=version_id, options=options, seq=(last or 0) + 1)
            tx.add(job)
            tx.flush()
            return job.id

    def job(self, job_id: str) -> JobRow | None:
        with self.transaction() as tx:
            found: JobRow | None = tx.get(JobRow, job_id)
            return found

    def claim_next(self, worker: str) -> JobRow | None:
        """The oldest queued job, now running by `worker`; None when none waits.

        The update is conditional on the job still being queued, so two claimers
        never take the same job."""
        while True:
            with self.transaction() as tx:
                job = tx.scalars(
                    select(JobRow).where(JobRow.state == "queued").order_by(JobRow.seq)
                ).first()
                if job is None:
                    return None
                claimed = tx.execute(
                    update(JobRow)
                    .where(JobRow.id == job.id, JobRow.state == "queued")
                    .values(state="running", worker=worker, started=_now())
                )
                taken = getattr(claimed, "rowcount", 0)
            if taken:
                return self.job(job.id)

    def finish(
        self,
        job_id: str,
        state: str,
        reason: str = "",
        files: dict[str, bytes] | None = None,
        output: str | None = None,
    ) -> None:
        """End a job in `state`; `files`, an output folder's, become its result (replacing
        the best so far), and `output` is what its command printed."""
        if state not in JOB_STATES:
            raise ValueError(f"job state {state!r} is not one of {', '.join(JOB_STATES)}")
        with self.transaction() as tx:
            job = tx.get(JobRow, job_id)
            if job is None:
                raise KeyError(job_id)
            job.state, job.reason, job.finished = state, reason, _now()
            if files:
                self._put_result(tx, job, files)
            if output is not None:
                self._put_files(tx, job.id, {OUTPUT_FILE: output.encode()})

    def keep_best(self, job_id: str, files: dict[str, bytes]) -> None:
        """The output folder of a running job's best roster so far, as its result."""
        with self.transaction() as tx:
            job = tx.get(JobRow, job_id)
            if job is None:
                raise KeyError(job_id)
            self._put_result(tx, job, files)

    def _put_result(self, tx: Tx, job: JobRow, files: dict[str, bytes]) -> None:
        summary = json.loads(files.get("summary.json", b"{}") or b"{}")
        row = tx.get(ResultRow, job.result_id) if job.result_id else None
        if row is None:
            row = ResultRow(version_id=job.version_id, job_id=job.id, summary=summary)
            tx.add(row)
            tx.flush()
            job.result_id = row.id
        else:
            row.summary, row.created = summary, _now()
        self._put_files(tx, row.id, files, replace=True)

    def _put_files(
        self, tx: Tx, owner: str, files: dict[str, bytes], replace: bool = False
    ) -> None:
        names = list(files) if not replace else None
        query = delete(FileRow).where(FileRow.owner == owner)
        if names is not None:
            query = query.where(FileRow.name.in_(names))
        tx.execute(query)
        tx.add_all(FileRow(owner=owner, name=n, content=c) for n, c in files.items())

    def stop_queued(self, job_id: str, reason: str) -> bool:
        """A queued job stopped before it ran; False when it is no longer queued."""
        with self.transaction() as tx:
            stopped = tx.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.state == "queued")
                .values(state="stopped", reason=reason, finished=_now())
            )
            return bool(getattr(stopped, "rowcount", 0))

    def jobs(self, version_ids: list[str] | None = None, limit: int = 200) -> list[JobRow]:
        """The latest jobs, newest first (of these versions, when given)."""
        with self.transaction() as tx:
            query = select(JobRow).order_by(JobRow.seq.desc()).limit(limit)
            if version_ids is not None:
                query = query.where(JobRow.version_id.in_(version_ids))
            return list(tx.scalars(query))

    def output(self, job_id: str) -> str:
        """What a finished job's command printed ("" before it ends)."""
        with self.transaction() as tx:
            row = tx.scalars(
                select(FileRow).where(FileRow.owner == job_id, FileRow.name == OUTPUT_FILE)
            ).first()
            return "" if row is None else bytes(row.content).decode()

    def add_event(self, job_id: str, **figures: Any) -> None:
        """A better roster of a running job: kept as an event and as its latest progress."""
        with self.transaction() as tx:
            job = tx.get(JobRow, job_id)
            if job is None:
                raise KeyError(job_id)
            tx.add(EventRow(job_id=job_id, **figures))
            stage = (job.progress or {}).get("stage")
            job.progress = dict(figures) | ({"stage": stage} if stage else {})

    def set_stage(self, job_id: str, stage: str) -> None:
        """What a running job is doing now (kept in its progress, beside the figures)."""
        with self.transaction() as tx:
            job = tx.get(JobRow, job_id)
            if job is None:
                raise KeyError(job_id)
            job.progress = dict(job.progress or {}) | {"stage": stage}

    def events(self, job_id: str, after: int = 0) -> list[EventRow]:
        with self.transaction() as tx:
            return list(
                tx.scalars(
                    select(EventRow)
                    .where(EventRow.job_id == job_id, EventRow.id > after)
                    .order_by(EventRow.id)
                )
            )

    def interrupt_running(self, reason: str, worker_prefix: str = "") -> list[str]:
        """Mark every job left running (its worker or the server gone) as interrupted, its
        best roster so far kept as its result; their ids. Queued jobs stay queued. With
        `worker_prefix`, only the jobs of workers whose name starts with it."""
        with self.transaction() as tx:
            query = select(JobRow).where(JobRow.state == "running")
            if worker_prefix:
                query = query.where(JobRow.worker.startswith(worker_prefix, autoescape=True))
            jobs = list(tx.scalars(query))
            for job in jobs:
                job.state, job.reason, job.finished = "interrupted", reason, _now()
            return [j.id for j in jobs]

    # ---- results --------------------------------------------------------------------

    def save_result(self, version_id: str, folder: Path, job_id: str | None = None) -> str:
        """An output folder's files (exports left out: they are rebuilt from these)."""
        files = {
            p.name: p.read_bytes()
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and p.suffix in (".csv", ".json", ".yaml")
        }
        summary = json.loads(files.get("summary.json", b"{}"))
        with self.transaction() as tx:
            row = ResultRow(version_id=version_id, job_id=job_id, summary=summary)
            tx.add(row)
            tx.flush()
            tx.add_all(FileRow(owner=row.id, name=n, content=c) for n, c in files.items())
            return row.id

    def results(self, version_ids: list[str], limit: int = 200) -> list[ResultRow]:
        """The results of these versions, newest first (a job's, or edits applied)."""
        with self.transaction() as tx:
            query = (
                select(ResultRow)
                .where(ResultRow.version_id.in_(version_ids))
                .order_by(ResultRow.created.desc())
                .limit(limit)
            )
            return list(tx.scalars(query))

    def result(self, result_id: str) -> ResultRow | None:
        with self.transaction() as tx:
            found: ResultRow | None = tx.get(ResultRow, result_id)
            return found

    def write_result(self, result_id: str, folder: Path, exports: bool = True) -> None:
        """The result as an output folder again, exports rebuilt from its files."""
        from scheduler.outputs.exports import write_exports
        from scheduler.outputs.folder import staged_folder

        files = self.files(result_id)
        if not files:
            raise KeyError(result_id)
        with staged_folder(folder) as staging:
            for name, content in files.items():
                (staging / name).write_bytes(content)
            if exports:
                write_exports(staging)

    def publish(self, result_id: str, week: dt.date) -> None:
        with self.transaction() as tx:
            if tx.get(ResultRow, result_id) is None:
                raise KeyError(result_id)
            row = tx.get(PublishedRow, week)
            if row is None:
                tx.add(PublishedRow(week=week, result_id=result_id))
            else:
                row.result_id, row.published = result_id, _now()

    def published(self, week: dt.date) -> str | None:
        with self.transaction() as tx:
            row = tx.get(PublishedRow, week)
            return None if row is None else row.result_id

    def published_weeks(self) -> list[PublishedRow]:
        """Every published roster, oldest week first."""
        with self.transaction() as tx:
            return list(tx.scalars(select(PublishedRow).order_by(PublishedRow.week)))

    def unpublish(self, week: dt.date) -> bool:
        with self.transaction() as tx:
            row = tx.get(PublishedRow, week)
            if row is None:
                return False
            tx.delete(row)
            return True

    # ---- tokens ---------------------------------------------------------------------

    def create_token(self, kind: str, name: str = "", scope: str = "", person: str = "") -> str:
        """A new token; only its hash is kept, so the token itself is shown once."""
        if kind == "api" and scope not in TOKEN_SCOPES:
            raise ValueError(f"scope {scope!r} is not one of {', '.join(TOKEN_SCOPES)}")
        token = secrets.token_urlsafe(32)
        with self.transaction() as tx:
            tx.add(
                TokenRow(kind=kind, name=name, scope=scope, person=person, hash=token_hash(token))
            )
        return token

    def token(self, token: str, kind: str) -> TokenRow | None:
        """The live token of that kind, or None (unknown or revoked)."""
        with self.transaction() as tx:
            query = select(TokenRow).where(TokenRow.hash == token_hash(token))
            row: TokenRow | None = tx.scalars(query).first()
            if row is None or row.kind != kind or row.revoked is not None:
                return None
            return row

    def live_tokens(self, kind: str) -> list[TokenRow]:
        """The live tokens of a kind (their hashes only), oldest first."""
        with self.transaction() as tx:
            query = select(TokenRow).where(TokenRow.kind == kind, TokenRow.revoked.is_(None))
            return list(tx.scalars(query.order_by(TokenRow.created)))

    def revoke(self, kind: str, name: str = "", person: str = "") -> int:
        """Revoke the live tokens of that kind and name (API) or person (feed); how many."""
        with self.transaction() as tx:
            query = select(TokenRow).where(TokenRow.kind == kind, TokenRow.revoked.is_(None))
            query = (
                query.where(TokenRow.name == name)
                if kind == "api"
                else query.where(TokenRow.person == person)
            )
            rows = list(tx.scalars(query))
            for row in rows:
                row.revoked = _now()
            return len(rows)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers beside the one writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
