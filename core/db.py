"""Database helpers: append-only triggers, bulk inserts of new rows (COPY), and the plain SQL
of the order hot path (`Selection`, `Write` and `execute_writes`). PostgreSQL only."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper

_M = TypeVar("_M", bound=models.Model)


def unique_row(queryset: models.QuerySet[_M]) -> _M | None:
    """The row a lookup by a unique key finds, or None. Unlike `.first()` it adds no
    ORDER BY, which means nothing for a unique key and costs the ORM a compilation step on
    the hot paths (orders, their holds and their lifecycle)."""
    return next(iter(queryset.order_by()[:1]), None)


def _db() -> BaseDatabaseWrapper:
    """The default connection itself. `django.db.connection` is a proxy that looks the
    connection up (per thread) on every attribute access; the helpers below resolve it once
    per call, which on the order path saved about a hundred lookups per order."""
    return connections[DEFAULT_DB_ALIAS]


class Selection:
    """The columns of a few models, read by one hand-written SELECT and turned back into
    model instances as the ORM would (`Model.from_db`, after each field's converters).

    The ORM builds and compiles its SQL anew for every query; on the order hot path, that
    was most of the CPU an order cost. A `Selection` names its models by table alias:

        OFFERING = Selection(o=Offering, p=Programme)
        sql = f"SELECT {OFFERING.columns}, <extras> FROM ... AS o JOIN ... AS p ..."
        (offering, programme), extras = OFFERING.instances(row)

    `columns` lists every concrete field of each model, in the model's order, so instances
    are complete (nothing deferred). A model whose primary key is NULL in the row (the far
    side of an outer join) comes back as None; columns after the models' are the extras.
    """

    def __init__(self, **aliases: type[models.Model]) -> None:
        self._parts = [
            (alias, model, list(model._meta.concrete_fields)) for alias, model in aliases.items()
        ]
        quote = connection.ops.quote_name
        self.columns = ", ".join(
            f"{alias}.{quote(field.column)}" for alias, _, fields in self._parts for field in fields
        )
        self._width = sum(len(fields) for _, _, fields in self._parts)
        self._models = [
            (model, [f.attname for f in fields], fields.index(model._meta.pk))
            for _, model, fields in self._parts
        ]
        self._converters: dict[str, list[tuple[int, Any, list[Callable[..., Any]]]]] = {}

    def instances(self, row: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        db = _db()
        values = list(row)
        for index, expression, converters in self._converters_for(db):
            value = values[index]
            for converter in converters:
                value = converter(value, expression, db)
            values[index] = value
        instances: list[Any] = []
        start = 0
        for model, attnames, pk_index in self._models:
            chunk = values[start : start + len(attnames)]
            instances.append(
                None if chunk[pk_index] is None else model.from_db(db.alias, attnames, chunk)
            )
            start += len(attnames)
        return instances, values[self._width :]

    def _converters_for(
        self, db: BaseDatabaseWrapper
    ) -> list[tuple[int, Any, list[Callable[..., Any]]]]:
        # What the ORM's compiler would apply to each column (`SQLCompiler.get_converters`),
        # such as JSON decoding.
        if db.vendor not in self._converters:
            found = []
            index = 0
            for alias, _, fields in self._parts:
                for field in fields:
                    column = field.get_col(alias)
                    own: list[Callable[..., Any]] = field.get_db_converters(db)  # type: ignore[attr-defined]
                    converters = db.ops.get_db_converters(column) + own
                    if converters:
                        found.append((index, column, converters))
                    index += 1
            self._converters[db.vendor] = found
        return self._converters[db.vendor]


def for_update_of(*aliases: str) -> str:
    """The locking clause for a hand-written SELECT: ` FOR UPDATE [OF aliases]`."""
    if aliases:
        return f" FOR UPDATE OF {', '.join(aliases)}"
    return " FOR UPDATE"


def pk_value(model: type[models.Model], value: Any) -> Any:
    """A primary key (or a foreign key to it) as a hand-written query's parameter, as the ORM
    would send it."""
    return model._meta.pk.get_db_prep_value(value, _db())  # type: ignore[union-attr]


@dataclass(frozen=True)
class Write:
    """One data-modifying statement, built but not yet run: its SQL and parameters (already
    prepared for the database). `execute_writes` runs one or several."""

    sql: str
    params: Sequence[Any]

    @classmethod
    def insert(cls, obj: models.Model) -> Write:
        """The INSERT of one new instance with a client-side primary key, filled as `save()`
        would (`auto_now_add` and `auto_now` included): no ORM compilation, no signals. The
        instance counts as saved from here on; run the write in the same transaction."""
        if obj.pk is None:
            raise ValueError("Write.insert needs a primary key set by the client")
        fields = obj._meta.concrete_fields
        values = [field.pre_save(obj, True) for field in fields]
        write = cls.insert_values(type(obj), [field.attname for field in fields], [values])
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
        return write

    @classmethod
    def insert_values(
        cls,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        suffix: str = "",
    ) -> Write:
        """The one `INSERT ... VALUES` of `insert_values`, not yet run."""
        db = _db()
        sql, columns = _insert_sql(db.vendor, model, tuple(fields), len(rows), suffix)
        params = [
            field.get_db_prep_save(value, db)
            for row in rows
            for field, value in zip(columns, row, strict=True)
        ]
        return cls(sql, params)


def execute_writes(*writes: Write) -> list[int]:
    """Run writes that are independent of each other; return each one's row count.

    On PostgreSQL, several go as one statement, each a data-modifying `WITH` query: one round
    trip, and one statement to parse and plan, where the order hot path sent three. They all
    see the same snapshot and run in no fixed order, so writes given together must not touch
    a row another writes or read what another writes (new rows, or rows already locked by the
    transaction, keep that true). Deferred constraints are checked at COMMIT either way."""
    db = _db()
    with db.cursor() as cursor:
        if len(writes) <= 1:
            counts = []
            for write in writes:
                cursor.execute(write.sql, write.params)
                counts.append(cursor.rowcount)
            return counts
        # The statement's text is only the writes' own SQL and generated names w0, w1, ...
        parts = [f"w{number} AS ({write.sql} RETURNING 1)" for number, write in enumerate(writes)]
        selects = [f"(SELECT count(*) FROM w{number})" for number in range(len(writes))]  # noqa: S608
        cursor.execute(
            f"WITH {', '.join(parts)} SELECT {', '.join(selects)}",
            [param for write in writes for param in write.params],
        )
        return list(cursor.fetchone())


def insert_instance(obj: models.Model) -> None:
    """INSERT one new instance with a client-side primary key, as `save()` would fill it
    (`auto_now_add` and `auto_now` included), in one plain statement: no ORM compilation,
    no signals. For the hot path's new rows (orders, audit events)."""
    execute_writes(Write.insert(obj))


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Write many new rows of `model`: `fields` names the columns (attnames, such as
    `account_id`), each row gives their Python values in that order (dicts for JSON fields).

    This is one COPY, with no model instances and no per-value preparation: the bulk writes of
    settlement and reconciliation (ledger transfers and entries, statement lines) run at the
    speed of the database. Like `bulk_create`, it sends no signals and calls no `save()`;
    defaults must be given explicitly, and `auto_now_add` fields should be given the current
    time. For a few rows on a hot path, `insert_values` is one INSERT.
    """
    columns = _columns(model, fields)
    db = _db()
    json_positions = [i for i, field in enumerate(columns) if isinstance(field, models.JSONField)]
    quote = db.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
        "FROM STDIN"
    )
    # Raw psycopg errors become Django's (IntegrityError and the rest), as through the ORM.
    with (
        db.wrap_database_errors,
        db.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = columns[i].get_db_prep_save(row[i], db)
            copy.write_row(row)


def insert_values(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    suffix: str = "",
) -> int:
    """One plain `INSERT ... VALUES` of a few new rows, given as for `insert_rows`, followed by
    `suffix` (such as `ON CONFLICT DO NOTHING`). Returns how many rows were written. The
    per-transfer hot path writes its rows this way, without the ORM's compilation per query."""
    return execute_writes(Write.insert_values(model, fields, rows, suffix=suffix))[0]


@functools.lru_cache(maxsize=256)
def _insert_sql(
    vendor: str, model: type[models.Model], fields: tuple[str, ...], rows: int, suffix: str
) -> tuple[str, list[Any]]:
    """The text of `insert_values`' statement, built once per shape (and database vendor)."""
    columns = _columns(model, fields)
    quote = _db().ops.quote_name
    row_placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in columns)}) "
        f"VALUES {', '.join([row_placeholders] * rows)} {suffix}"
    )
    return sql, columns


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[Any]:
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    return [by_attname[name] for name in fields]


def append_only(table: str) -> migrations.RunPython:
    """A migration operation installing a trigger that rejects UPDATE and DELETE on `table`.

    The rows of such tables (audit events, ledger transfers and entries) are facts: a correction
    is a new row. The trigger makes that true for every client of the database, not just the ORM.
    """
    function = f"{table}_append_only"

    def forwards(apps: Any, schema_editor: Any) -> None:
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% on {table} is not allowed: the table is append-only', TG_OP
                    USING ERRCODE = 'restrict_violation';
            END;
            $$ LANGUAGE plpgsql;
            """,
            None,  # no parameters: the % in RAISE is PL/pgSQL's, not a placeholder
        )
        schema_editor.execute(
            f"CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();"
        )
        # TRUNCATE bypasses row triggers; forbid it too.
        schema_editor.execute(
            f"CREATE TRIGGER {function}_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )

    def backwards(apps: Any, schema_editor: Any) -> None:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {function}_truncate ON {table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")

    return migrations.RunPython(forwards, backwards)
