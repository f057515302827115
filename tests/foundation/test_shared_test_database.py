"""The embedded run's live-server tests share one in-memory SQLite database between the test's thread and
the server's. SQLite's shared cache locks whole tables and never waits (its busy timeout does not apply),
so a test signing in a second person (which writes `last_login`) while the server was reading the users
table failed with "database table is locked". Readers there take no table locks, and a statement refused for
a lock waits and tries again, as SQLite's busy timeout does for a database file (tests/fixtures/servers.py).
On PostgreSQL, CI's second run, both hold by themselves."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from members.models import User


@pytest.mark.django_db(transaction=True)
def test_a_write_is_not_refused_while_another_thread_reads_the_same_table(user_factory):
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


@pytest.mark.django_db(transaction=True)
def test_a_write_waits_while_another_thread_writes_the_same_table(user_factory):
    for _ in range(3):
        user_factory()
    writing = threading.Event()
    signed_in = timezone.now()

    def write_slowly():
        try:
            with transaction.atomic():
                User.objects.update(last_login=signed_in)
                writing.set()
                time.sleep(0.3)  # the server part-way through a page that writes
        finally:
            connections.close_all()

    writer = threading.Thread(target=write_slowly)
    writer.start()
    assert writing.wait(5)
    User.objects.update(is_active=False)
    writer.join(5)
    assert User.objects.filter(last_login=signed_in, is_active=False).count() == 3
