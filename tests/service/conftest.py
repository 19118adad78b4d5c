"""The store every service test runs on: SQLite always, PostgreSQL too when
`ROSTER_TEST_POSTGRES` names a server's URL (`.ci/run` starts a throwaway cluster)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.service.store import Store

POSTGRES = os.environ.get("ROSTER_TEST_POSTGRES")
"""A PostgreSQL server's URL to test the store on too (`.ci/run` starts one)."""


@pytest.fixture(params=["sqlite", *(["postgresql"] if POSTGRES else [])])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        made = Store(f"sqlite:///{tmp_path / 'roster.db'}")
    else:
        assert POSTGRES is not None
        made = Store(POSTGRES)
        with made.engine.begin() as c:  # a clean database for each test
            c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    made.migrate()
    yield made
    made.engine.dispose()
