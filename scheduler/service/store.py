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
- the rosters published, each week by the name of the instance it plans (its owner);
- API tokens and calendar feed tokens, as SHA-256 hashes only.

Requests race (many clients, one server, or several servers on one PostgreSQL
database), so a change that reads what it then writes takes a lock first: on SQLite
every change opens with BEGIN IMMEDIATE (the database's one writer, the others
waiting for it up to the busy timeout); on PostgreSQL it takes a transaction's
advisory lock named by what it guards (`_lock`: an instance's versions, the job
queue, a person's feed, the published weeks). Reads never wait.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError
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
    owner: Mapped[str] = mapped_column(String(200), primary_key=True)
    """Whose week it is: the name of the instance the roster plans (`name` in its file)."""
    week: Mapped[dt.date] = mapped_column(primary_key=True)
    """The first day of the published roster's horizon."""
    days: Mapped[int] = mapped_column(Integer)
    """The days of its horizon."""
    result_id: Mapped[str] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"))
    published: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    @property
    def last_day(self) -> dt.date:
        return self.week + dt.timedelta(days=self.days - 1)


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


@dataclass(frozen=True)
class Clash:
    """A published week that publishing a roster would replace: another instance's (or
    another first day's) roster over some of the same days and people."""

    owner: str
    week: dt.date
    days: int
    result_id: str
    people: tuple[str, ...]
    """The people in both, in the order of the roster being published."""


@dataclass(frozen=True)
class _Plan:
    """What a roster plans, as publishing needs it: whose week, which days, who."""

    owner: str
    week: dt.date
    days: int
    people: tuple[str, ...]

    @classmethod
    def of(cls, document: dict[str, Any]) -> _Plan:
        """From an instance as the result keeps it (`instance.json`)."""
        horizon = document.get("horizon") or {}
        people = tuple(str(p.get("id")) for p in document.get("people") or [])
        start = dt.date.fromisoformat(str(horizon.get("start")))
        return cls(str(document.get("name", "")), start, int(horizon.get("days", 7)), people)

    @property
    def last_day(self) -> dt.date:
        return self.week + dt.timedelta(days=self.days - 1)


class PublishClashError(Exception):
    """Publishing would replace weeks published by another instance (`Store.publish`
    without `replace`)."""

    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__(clashes)
        self.clashes = clashes


class StoreRefusedError(Exception):
    """The store cannot be served: it is damaged, or another server uses it. One line."""


class Store:
    """The store at a database URL (`sqlite:///path`, `postgresql+psycopg://...`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(
            self.engine.execution_options(roster_write=True), expire_on_commit=False
        )
        self._server_lock: Any = None

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
        """One unit of work that may change the store, committed at the end (rolled back
        on an error). On SQLite it holds the write lock from its first statement, so that
        what it reads stays true until it commits."""
        with self._writes.begin() as tx:
            yield tx

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        """One unit of work that only reads: it never waits for a writer."""
        with self._reads.begin() as tx:
            yield tx

    def _lock(self, tx: Tx, *names: str) -> None:
        """Hold the lock named `names` until `tx` ends (PostgreSQL's transaction advisory
        lock; on SQLite the transaction already holds the database's write lock)."""
        if self.sqlite:
            return
        digest = hashlib.sha256("\0".join(names).encode()).digest()
        tx.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": int.from_bytes(digest[:8], "big", signed=True)},
        )

    # ---- serving ------------------------------------------------------------------

    def check(self) -> None:
        """Refuse a damaged store before it is served (`StoreRefusedError`): SQLite's
        `PRAGMA quick_check` must find every page of the file whole."""
        if not self.sqlite:
            return
        try:
            with self.engine.connect() as connection:
                found = [str(r[0]) for r in connection.exec_driver_sql("PRAGMA quick_check")]
        except DatabaseError as exc:  # too damaged to check, or no database at all
            found = [f"SQLite: {_first_line(exc.orig)}"]
        else:
            if found == ["ok"]:
                return
            more = f", and {len(found) - 1} more" if len(found) > 1 else ""
            found = [f"PRAGMA quick_check: {found[0]}{more}"]
        raise StoreRefusedError(
            f"{self._file_name} is damaged ({found[0]}); restore it from a backup"
        )

    @property
    def _file_name(self) -> str:
        return Path(str(self.engine.url.database)).name

    def hold_for_server(self) -> None:
        """Take the store for this server until the process ends, or refuse with
        `StoreRefusedError` naming the server that has it: a lock on a file beside the
        SQLite database (flock), or a PostgreSQL advisory lock for this host held by a
        connection of the server's own (servers of other hosts share the database; their
        jobs are told apart by host)."""
        if self._server_lock is not None:
            return
        if self.sqlite:
            self._server_lock = _flock_beside(Path(str(self.engine.url.database)))
            return
        host = socket.gethostname()
        connection = self.engine.connect()
        digest = hashlib.sha256(f"roster serve\0{host}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        if not taken.scalar():
            connection.close()
            raise StoreRefusedError(
                f"another roster serve of this host ({host}) uses this database; stop it "
                "first (two servers of one host would take each other's jobs for a restart)"
            )
        connection.commit()
        self._server_lock = connection

    def release(self) -> None:
        """Let go of the store taken by `hold_for_server`."""
        lock, self._server_lock = self._server_lock, None
        if lock is not None:
            lock.close()

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
        """A new version of an instance (its number the next, however many come at once);
        its id."""
        with self.transaction() as tx:
            self._lock(tx, "versions", instance_id)
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
        with self._read() as tx:
            return list(tx.scalars(select(InstanceRow).order_by(InstanceRow.created)))

    def versions(self, instance_id: str) -> list[VersionRow]:
        with self._read() as tx:
            return list(
                tx.scalars(
                    select(VersionRow)
                    .where(VersionRow.instance_id == instance_id)
                    .order_by(VersionRow.number)
                )
            )

    def version(self, version_id: str) -> VersionRow | None:
        with self._read() as tx:
            found: VersionRow | None = tx.get(VersionRow, version_id)
            return found

    def files(self, owner: str) -> dict[str, bytes]:
        """The files of a version or a result, by name."""
        with self._read() as tx:
            rows = tx.scalars(select(FileRow).where(FileRow.owner == owner).order_by(FileRow.name))
            return {r.name: r.content for r in rows}

    # ---- jobs -----------------------------------------------------------------------

    def add_job(self, kind: str, version_id: str, options: dict[str, Any]) -> str:
        if kind not in JOB_KINDS:
            raise ValueError(f"job kind {kind!r} is not one of {', '.join(JOB_KINDS)}")
        with self.transaction() as tx:
            self._lock(tx, "jobs")  # each job its own place in the queue
            if tx.get(VersionRow, version_id) is None:
                raise KeyError(version_id)
            last = tx.scalars(select(JobRow.seq).order_by(JobRow.seq.desc())).first()
            job = JobRow(kind=kind, version_id=version_id, options=options, seq=(last or 0) + 1)
            tx.add(job)
            tx.flush()
            return job.id

    def job(self, job_id: str) -> JobRow | None:
        with self._read() as tx:
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
        with self._read() as tx:
            query = select(JobRow).order_by(JobRow.seq.desc()).limit(limit)
            if version_ids is not None:
                query = query.where(JobRow.version_id.in_(version_ids))
            return list(tx.scalars(query))

    def output(self, job_id: str) -> str:
        """What a finished job's command printed ("" before it ends)."""
        with self._read() as tx:
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
        with self._read() as tx:
            return list(
                tx.scalars(
                    select(EventRow)
                    .where(EventRow.job_id == job_id, EventRow.id > after)
                    .order_by(EventRow.id)
                )
            )

    def interrupt_running(
        self, reason: str, none_kept: str | None = None, worker_prefix: str = ""
    ) -> list[str]:
        """Mark every job left running (its worker or the server gone) as interrupted, its
        best roster so far kept as its result; their ids. The reason is `none_kept`
        (when given) for a job that had no roster yet. Queued jobs stay queued. With
        `worker_prefix`, only the jobs of workers whose name starts with it."""
        with self.transaction() as tx:
            query = select(JobRow).where(JobRow.state == "running")
            if worker_prefix:
                query = query.where(JobRow.worker.startswith(worker_prefix, autoescape=True))
            jobs = list(tx.scalars(query))
            for job in jobs:
                said = reason if job.result_id or none_kept is None else none_kept
                job.state, job.reason, job.finished = "interrupted", said, _now()
            return [j.id for j in jobs]

    def requeue(self, job_id: str, worker: str) -> bool:
        """A job `worker` claimed and never started, queued again in its place (the
        server is stopping); False when it is no longer that worker's running job."""
        with self.transaction() as tx:
            done = tx.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.state == "running", JobRow.worker == worker)
                .values(state="queued", worker="", started=None)
            )
            return bool(getattr(done, "rowcount", 0))

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
        with self._read() as tx:
            query = (
                select(ResultRow)
                .where(ResultRow.version_id.in_(version_ids))
                .order_by(ResultRow.created.desc())
                .limit(limit)
            )
            return list(tx.scalars(query))

    def result(self, result_id: str) -> ResultRow | None:
        with self._read() as tx:
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

    def publish(self, result_id: str, replace: bool = False) -> list[Clash]:
        """Publish a result for its week, under the name of the instance it plans: it
        takes the place of the roster that instance published for the same first day.

        A week published by another instance (or for another first day) over some of
        the same days, for some of the same people, would be replaced too, in their
        calendar feeds: without `replace` that is refused (`PublishClashError`, naming
        each); with it, those weeks are unpublished. The weeks replaced so."""
        with self.transaction() as tx:
            self._lock(tx, "published")
            plan = self._plan(tx, result_id)
            clashes = self._clashes(tx, plan)
            if clashes and not replace:
                raise PublishClashError(clashes)
            for clash in clashes:
                tx.delete(tx.get(PublishedRow, (clash.owner, clash.week)))
            row = tx.get(PublishedRow, (plan.owner, plan.week))
            if row is None:
                tx.add(
                    PublishedRow(
                        owner=plan.owner, week=plan.week, days=plan.days, result_id=result_id
                    )
                )
            else:
                row.result_id, row.days, row.published = result_id, plan.days, _now()
            return clashes

    def clashes(self, result_id: str) -> list[Clash]:
        """The published weeks that publishing this result would replace (`publish`)."""
        with self._read() as tx:
            return self._clashes(tx, self._plan(tx, result_id))

    def _plan(self, tx: Tx, result_id: str) -> _Plan:
        if tx.get(ResultRow, result_id) is None:
            raise KeyError(result_id)
        content = tx.scalars(
            select(FileRow.content).where(
                FileRow.owner == result_id, FileRow.name == "instance.json"
            )
        ).first()
        if content is None:
            raise ValueError(f"result {result_id} has no instance.json: it plans no week")
        return _Plan.of(json.loads(content))

    def _clashes(self, tx: Tx, plan: _Plan) -> list[Clash]:
        found = []
        rows = tx.scalars(select(PublishedRow).where(PublishedRow.week <= plan.last_day))
        for row in rows:
            if (row.owner, row.week) == (plan.owner, plan.week) or row.last_day < plan.week:
                continue
            theirs = set(self._plan(tx, row.result_id).people)
            shared = tuple(p for p in plan.people if p in theirs)
            if shared:
                found.append(Clash(row.owner, row.week, row.days, row.result_id, shared))
        return found

    def published(self, owner: str, week: dt.date) -> str | None:
        """The result `owner` (an instance's name) published for the week starting `week`."""
        with self._read() as tx:
            row = tx.get(PublishedRow, (owner, week))
            return None if row is None else row.result_id

    def published_weeks(self, owner: str | None = None) -> list[PublishedRow]:
        """Every published roster (of `owner`, an instance's name, when given), oldest
        week first."""
        with self._read() as tx:
            query = select(PublishedRow).order_by(PublishedRow.week, PublishedRow.owner)
            if owner is not None:
                query = query.where(PublishedRow.owner == owner)
            return list(tx.scalars(query))

    def unpublish(self, owner: str, week: dt.date) -> bool:
        with self.transaction() as tx:
            row = tx.get(PublishedRow, (owner, week))
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
        with self._read() as tx:
            query = select(TokenRow).where(TokenRow.hash == token_hash(token))
            row: TokenRow | None = tx.scalars(query).first()
            if row is None or row.kind != kind or row.revoked is not None:
                return None
            return row

    def live_tokens(self, kind: str) -> list[TokenRow]:
        """The live tokens of a kind (their hashes only), oldest first."""
        with self._read() as tx:
            query = select(TokenRow).where(TokenRow.kind == kind, TokenRow.revoked.is_(None))
            return list(tx.scalars(query.order_by(TokenRow.created)))

    def renew_feed(self, person: str) -> str:
        """A new calendar feed token for a person ("" for the team), ending the live ones
        before it: however many renewals come at once, one feed is live after them."""
        token = secrets.token_urlsafe(32)
        with self.transaction() as tx:
            self._lock(tx, "feeds", person)
            live = tx.scalars(
                select(TokenRow).where(
                    TokenRow.kind == "feed", TokenRow.person == person, TokenRow.revoked.is_(None)
                )
            )
            for row in live:
                row.revoked = _now()
            tx.add(
                TokenRow(kind="feed", name=person or "team", person=person, hash=token_hash(token))
            )
        return token

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


def _sqlite_connect(connection: Any, _record: Any) -> None:
    # the driver's own transactions begin only at a write, after the reads that led to
    # it; `_sqlite_begin` begins them instead
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers beside the one writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A change takes the write lock at once (waiting up to the busy timeout for the
    writer before it); a read takes a snapshot and never waits."""
    writes = connection.get_execution_options().get("roster_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _first_line(error: object) -> str:
    said = str(error).strip()
    return said.splitlines()[0] if said else type(error).__name__


class _FolderLock:
    """An exclusive flock on a file, held while the file stays open."""

    def __init__(self, path: Path, handle: Any) -> None:
        self.path, self.handle = path, handle

    def close(self) -> None:
        self.handle.close()


def _flock_beside(database: Path) -> _FolderLock:
    import fcntl

    path = database.with_name(database.name + ".lock")
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f" (pid {holder})" if holder.isdigit() else ""
        raise StoreRefusedError(
            f"another roster serve{who} uses {database.name}; stop it first, or give this "
            "one a store of its own"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return _FolderLock(path, handle)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
