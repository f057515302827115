"""The seat check's query, built once: the one query the live room runs before every action.

`sessions.room.admission.current_seat` re-reads someone's place in the room before everything they do (raise a hand,
send a line of chat, a heartbeat). Through the ORM, building that query (a select_related over three tables
and the membership) cost about 0.7 ms of CPU each time, twice what the database needed to answer it, and it
was half of the work between a member raising a hand and the leaders hearing of it (bench/: alert latency).
The query never changes, only its two parameters, so it is written out once from the models' own metadata
and its rows are turned into model instances the way the ORM does: each field's database converters, then
`Model.from_db`. tests/room/test_seat_query.py checks it against the ORM for every state of a seat.
"""

from dataclasses import dataclass

from django.db import connections
from django.utils import timezone

from groups.models import Membership, SupportGroup
from safeguarding.models import Removal
from sessions.models import GroupSession
from sessions.room.models import RoomParticipant


@dataclass(frozen=True)
class SeatRow:
    participant: RoomParticipant  # with .session and .session.group loaded
    membership_status: str | None  # None: no membership in the session's group at all
    membership_role: str | None
    removed: bool  # a removal from this session is in force (safeguarding's Removal, asked in the same query)


@dataclass(frozen=True)
class _Plan:
    sql: str
    models: tuple  # (model, attnames, converters per column) for participant, session, group


def _converters(field, alias: str, connection) -> list:
    """What the ORM applies to this column's values: [(converter, expression), ...]."""
    expression = field.get_col(alias)
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    return [(converter, expression) for converter in converters]


_plans: dict[str, _Plan] = {}


def _plan(alias: str) -> _Plan:
    plan = _plans.get(alias)
    if plan is None:
        connection = connections[alias]
        qn = connection.ops.quote_name
        parts = (("p", RoomParticipant), ("s", GroupSession), ("g", SupportGroup))
        columns, models = [], []
        for table_alias, model in parts:
            fields = model._meta.concrete_fields
            columns += [f"{table_alias}.{qn(field.column)}" for field in fields]
            models.append(
                (
                    model,
                    [field.attname for field in fields],
                    [_converters(field, table_alias, connection) for field in fields],
                )
            )
        membership = Membership._meta
        columns += [f"m.{qn(membership.get_field('status').column)}", f"m.{qn(membership.get_field('role').column)}"]
        # Removal.objects.active_for(session, user), written out: in force (not lifted, not past its end), from
        # this session, of this membership. tests/room/test_seat_query.py holds it to the queryset method.
        removal = {name: f"r.{qn(Removal._meta.get_field(name).column)}" for name in ("membership", "kind", "session")}
        lifted_at, until = (f"r.{qn(Removal._meta.get_field(name).column)}" for name in ("lifted_at", "until"))
        columns.append(
            f"EXISTS (SELECT 1 FROM {qn(Removal._meta.db_table)} r"  # noqa: S608  # nosec B608
            f" WHERE {removal['membership']} = m.{qn(membership.pk.column)} AND {removal['kind']} = %s"
            f" AND {removal['session']} = s.{qn(GroupSession._meta.pk.column)}"
            f" AND {lifted_at} IS NULL AND ({until} IS NULL OR {until} > %s))"
        )
        participant_session = qn(RoomParticipant._meta.get_field("session").column)
        participant_user = qn(RoomParticipant._meta.get_field("user").column)
        # Only table and column names from the models, quoted; the two values are bound parameters.
        sql = (
            f"SELECT {', '.join(columns)}"  # noqa: S608  # nosec B608
            f" FROM {qn(RoomParticipant._meta.db_table)} p"
            f" INNER JOIN {qn(GroupSession._meta.db_table)} s"
            f" ON s.{qn(GroupSession._meta.pk.column)} = p.{participant_session}"
            f" INNER JOIN {qn(SupportGroup._meta.db_table)} g"
            f" ON g.{qn(SupportGroup._meta.pk.column)} = s.{qn(GroupSession._meta.get_field('group').column)}"
            f" LEFT OUTER JOIN {qn(membership.db_table)} m"
            f" ON m.{qn(membership.get_field('group').column)} = g.{qn(SupportGroup._meta.pk.column)}"
            f" AND m.{qn(membership.get_field('user').column)} = p.{participant_user}"
            f" WHERE p.{participant_session} = %s AND p.{participant_user} = %s"
        )
        plan = _plans.setdefault(alias, _Plan(sql=sql, models=tuple(models)))
    return plan


def fetch_seat(session_id: int, user_id: int, *, using: str = "default") -> SeatRow | None:
    """Someone's place in a session's room with its session, group and their membership; None if they have none."""
    plan = _plan(using)
    connection = connections[using]
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM binds a datetime
        cursor.execute(plan.sql, [Removal.Kind.SESSION.value, now, session_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model, attnames, converters in plan.models:
        values = list(row[start : start + len(attnames)])
        for index, field_converters in enumerate(converters):
            for converter, expression in field_converters:
                values[index] = converter(values[index], expression, connection)
        instances.append(model.from_db(using, attnames, values))
        start += len(attnames)
    participant, session, group = instances
    session.group = group
    participant.session = session
    participant.removed_from_session = bool(row[start + 2])  # what RoomParticipant.objects annotates
    return SeatRow(
        participant=participant,
        membership_status=row[start],
        membership_role=row[start + 1],
        removed=participant.removed_from_session,
    )
