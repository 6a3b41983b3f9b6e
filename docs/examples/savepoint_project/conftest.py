import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from models import Base, UserFactory
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

import asyncfactories
from asyncfactories import bind_session


# --8<-- [start:engine]
@pytest.fixture(scope="session")
async def engine(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncEngine]:
    default = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = create_async_engine(os.environ.get("TEST_DATABASE_URL", default))
    if engine.dialect.name == "sqlite":
        use_real_sqlite_transactions(engine)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()
# --8<-- [end:engine]


# --8<-- [start:sqlite]
def use_real_sqlite_transactions(engine: AsyncEngine) -> None:
    """SQLAlchemy's fix for pysqlite and aiosqlite: the driver emits no BEGIN, we do.

    Without it the driver starts its transaction at the first INSERT, after the SAVEPOINT of
    the session, and a commit() in the code under test would stick.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def no_driver_transactions(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")
# --8<-- [end:sqlite]


# --8<-- [start:session]
@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session in a transaction that is rolled back after the test, even if the code commits."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection,
            join_transaction_mode="create_savepoint",  # commit() releases a SAVEPOINT
            expire_on_commit=False,
        )
        try:
            with bind_session(session):  # every factory uses it during the test
                yield session
        finally:
            await session.close()
            await transaction.rollback()
# --8<-- [end:session]


# --8<-- [start:seed]
@pytest.fixture(autouse=True)
def same_data_every_run() -> None:
    asyncfactories.seed(1234)
    UserFactory._reset_seq()
# --8<-- [end:seed]
