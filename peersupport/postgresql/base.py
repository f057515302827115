"""Django's PostgreSQL backend, with a connection pool that sweeps out all its dead connections at once.

With DB_POOL=true and CONN_HEALTH_CHECKS on, Django has psycopg's pool check a connection before handing it
out. After a PostgreSQL restart every connection in the pool is dead, though, and the pool tries them one at
a time, sleeping 1, 2, 4… seconds between failed checks: a request waits through several of them and times
out while the pool still holds dead ones. One dead connection means the server went away, so here the first
failed check also checks every idle connection in the pool at once (a failing check returns immediately)
and the pool starts replacing them all. tests/faults/test_postgres_restart.py drills it.
"""

import logging

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

logger = logging.getLogger(__name__)


def check_pooled_connection(connection) -> None:
    """Raise if `connection` is dead, after sweeping the dead ones out of its pool."""
    from psycopg_pool import ConnectionPool

    try:
        ConnectionPool.check_connection(connection)
    except Exception:
        pool = getattr(connection, "_pool", None)
        if pool is not None:
            logger.warning("database connection lost: checking every pooled connection")
            pool.check()
        raise


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    @property
    def pool(self):
        from psycopg_pool import ConnectionPool

        pool = super().pool
        # Django builds the pool with check=ConnectionPool.check_connection when CONN_HEALTH_CHECKS is on, and
        # psycopg's pool keeps it in `_check` (psycopg-pool 3.2 and 3.3; a test checks the swap happens).
        if pool is not None and getattr(pool, "_check", None) is ConnectionPool.check_connection:
            pool._check = check_pooled_connection
        return pool
