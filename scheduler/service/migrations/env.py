"""Alembic's environment for the service's store (`scheduler.service.store.Store.migrate`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from scheduler.service.store import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""


def run() -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=url.startswith("sqlite"),  # SQLite alters tables by copying
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
