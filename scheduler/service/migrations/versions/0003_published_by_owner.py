"""published: each week by the instance it plans (owner, week), with its horizon's days

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 10:00:00

A week was published once for everyone: a second instance of the same dates replaced
the first's roster in every calendar feed. Weeks are now kept by owner (the name of the
instance the roster plans) and first day; the days let publishing see which published
weeks a roster overlaps. The rows kept take their owner and days from their result's
`instance.json`. Going back keeps, of each first day, the roster published last.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_FILES = sa.table(
    "files",
    sa.column("owner", sa.String),
    sa.column("name", sa.String),
    sa.column("content", sa.LargeBinary),
)


def _published(*owned: str) -> Any:
    columns = [sa.column(n, sa.String) for n in owned]
    return sa.table(
        "published",
        *columns,
        sa.column("week", sa.Date),
        sa.column("result_id", sa.String),
        sa.column("published", sa.DateTime),
    )


def _rows(table: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in op.get_bind().execute(sa.select(table))]


def _plan(result_id: str) -> tuple[str, int]:
    """The owner and the days of a result's week, from its `instance.json`."""
    query = sa.select(_FILES.c.content).where(
        _FILES.c.owner == result_id, _FILES.c.name == "instance.json"
    )
    content = op.get_bind().execute(query).scalar()
    try:
        document = json.loads(content) if content else {}
    except ValueError:
        document = {}
    horizon = document.get("horizon") or {}
    return str(document.get("name") or ""), int(horizon.get("days") or 7)


def upgrade() -> None:
    kept = []
    for row in _rows(_published()):
        owner, days = _plan(row["result_id"])
        kept.append({**row, "owner": owner, "days": days})
    op.drop_table("published")
    table = op.create_table(
        "published",
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.String(length=32), nullable=False),
        sa.Column("published", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("owner", "week"),
    )
    if kept:
        op.bulk_insert(table, kept)


def downgrade() -> None:
    latest: dict[Any, dict[str, Any]] = {}
    for row in sorted(_rows(_published("owner")), key=lambda r: r["published"]):
        latest[row["week"]] = {k: row[k] for k in ("week", "result_id", "published")}
    op.drop_table("published")
    table = op.create_table(
        "published",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("result_id", sa.String(length=32), nullable=False),
        sa.Column("published", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("week"),
    )
    if latest:
        op.bulk_insert(table, list(latest.values()))
