"""The embedded run's live-server tests share one in-memory SQLite database between the test's thread and
the server's. SQLite's shared cache locks whole tables and never waits (its busy timeout does not apply),
so a test signing in a second person (which writes `last_login`) while the server was reading the users
table failed with "database table is locked". Readers there read without table locks."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from members.models import User


@pytest.mark.django_db(transaction=True)
def test_a_write_is_not_refused_while_another_thread_reads_the_same_table(user_factory):
    # (On PostgreSQL, CI's second run, this holds by itself: readers never block writers.)
    for _ in range(3):
        user_factory()
    reading, written = threading.Event(), threading.Event()

    def read_slowly():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM members_user")
                cursor.fetchone()  # the statement stays open: the server mid-way through a page
                reading.set()
                written.wait(5)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read_slowly)
    reader.start()
    assert reading.wait(5)
    try:
        User.objects.update(last_login=timezone.now())
    finally:
        written.set()
        reader.join(5)
    assert not User.objects.filter(last_login=None).exists()
