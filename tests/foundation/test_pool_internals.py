"""The private names of psycopg-pool that peersupport/postgresql/base.py leans on are still where it expects them.

Our backend swaps the pool's `_check` for a check that skips the round trip on a quiet connection and sweeps the
whole pool on the first failure (tests/faults/test_postgres_restart.py drills what that buys), and reads the
pool back from `connection._pool`. psycopg-pool is pinned to the minor version tested (pyproject.toml); when a
new one moves either name, these tests fail before the speed-up silently stops working.
"""

import inspect

import pytest
from psycopg_pool import ConnectionPool

from peersupport.postgresql import base
from tests.fixtures.gates import need_service


def test_the_pool_keeps_its_check_in_the_private_name_our_backend_replaces():
    pool = ConnectionPool("", open=False, check=ConnectionPool.check_connection)
    assert pool._check is ConnectionPool.check_connection


def test_the_check_we_replace_takes_one_connection_as_ours_does():
    theirs = inspect.signature(ConnectionPool.check_connection)
    ours = inspect.signature(base.check_pooled_connection)
    assert list(theirs.parameters) == ["conn"]
    assert len(ours.parameters) == 1


def test_the_pool_marks_a_connection_with_its_pool_before_it_runs_the_check():
    """Our check finds the pool to sweep through `connection._pool`: the pool must set it before `_check` runs."""
    unchecked = inspect.getsource(ConnectionPool._getconn_unchecked)
    with_check = inspect.getsource(ConnectionPool._getconn_with_check_loop)
    assert "conn._pool = self" in unchecked
    assert with_check.index("_getconn_unchecked(") < with_check.index("_check_connection(conn)")
    assert "self._check(conn)" in inspect.getsource(ConnectionPool._check_connection)


@pytest.mark.integration
def test_a_pooled_django_connection_is_checked_by_ours_and_knows_its_pool(db, monkeypatch):
    """On PostgreSQL: Django's pool, built by our backend, runs our check on each connection it hands out, and
    the connection it hands out exposes `_pool`."""
    from django.db import connection

    need_service(connection.vendor == "postgresql", "the pool needs a PostgreSQL DATABASE_URL")
    seen = []
    monkeypatch.setattr(base, "is_quiet", lambda conn: seen.append(getattr(conn, "_pool", None)) or True)
    settings_dict = {**connection.settings_dict, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True}
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}
    wrapper = base.DatabaseWrapper(settings_dict, alias="pool_internals")
    try:
        pool = wrapper.pool
        assert pool._check is base.check_pooled_connection
        wrapper.ensure_connection()
        assert wrapper.connection._pool is pool
        assert seen == [pool]  # our check ran once, on a connection that already knew its pool
    finally:
        wrapper.close()
        wrapper.close_pool()
