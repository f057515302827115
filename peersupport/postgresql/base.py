"""Django's PostgreSQL backend, with a pool check that is cheap when all is well and thorough when it is not.

With DB_POOL=true and CONN_HEALTH_CHECKS on, Django has psycopg's pool run `ConnectionPool.check_connection`
(an empty query: one round trip) on every connection it hands out, which is before every request and every
room event. Ours first looks at the connection's socket without a round trip: an idle connection has nothing
to read unless the server closed it (a PostgreSQL restart sends "terminating connection" and closes), so a
quiet socket is handed out as it is, and only one with something waiting gets the real check.

After a restart every connection in the pool is dead, and psycopg's pool tries them one at a time, sleeping
1, 2, 4… seconds between failed checks: a request would wait through several of them and time out while the
pool still held dead ones. So the first failed check also checks every idle connection in the pool at once
(a failing check returns immediately) and the pool starts replacing them all.
tests/faults/test_postgres_restart.py drills both.
"""

import logging
import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

logger = logging.getLogger(__name__)


def is_quiet(connection) -> bool:
    """The connection looks healthy without asking the server: open, idle, and nothing on its socket."""
    from psycopg import pq

    if connection.closed or connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    poller = select.poll()  # not select.select(): a busy server's descriptors go past 1024
    try:
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False


def check_pooled_connection(connection) -> None:
    """Raise if `connection` is dead, after sweeping the dead ones out of its pool."""
    from psycopg_pool import ConnectionPool

    if is_quiet(connection):
        return
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
        # psycopg's pool keeps it in `_check`, a private name: psycopg-pool is pinned to the minor version tested
        # (pyproject.toml) and tests/foundation/test_pool_internals.py fails when `_check` or `_pool` moves.
        if pool is not None and getattr(pool, "_check", None) is ConnectionPool.check_connection:
            pool._check = check_pooled_connection
        return pool
