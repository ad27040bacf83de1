"""Database helpers: append-only triggers that work on PostgreSQL and SQLite, and bulk
inserts of new rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, migrations, models

_M = TypeVar("_M", bound=models.Model)


def unique_row(queryset: models.QuerySet[_M]) -> _M | None:
    """The row a lookup by a unique key finds, or None. Unlike `.first()` it adds no
    ORDER BY, which means nothing for a unique key and costs the ORM a compilation step on
    the hot paths (orders, their holds and their lifecycle)."""
    return next(iter(queryset.order_by()[:1]), None)


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 2000,
) -> None:
    """Write many new rows of `model`: `fields` names the columns (attnames, such as
    `account_id`), each row gives their Python values in that order (dicts for JSON fields).

    On PostgreSQL this is one COPY, with no model instances and no per-value preparation: the
    bulk writes of settlement and reconciliation (ledger transfers and entries, statement
    lines) run at the speed of the database. Elsewhere (SQLite, for `make run`) it falls back
    to `bulk_create`. Like `bulk_create`, it sends no signals and calls no `save()`; defaults
    must be given explicitly, and `auto_now_add` fields should be given the current time (the
    fallback sets them itself). For a few rows on a hot path, `insert_values` is one INSERT.
    """
    columns = _columns(model, fields)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=batch_size
        )
        return
    json_positions = [i for i, field in enumerate(columns) if isinstance(field, models.JSONField)]
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
        "FROM STDIN"
    )
    # Raw psycopg errors become Django's (IntegrityError and the rest), as through the ORM.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = columns[i].get_db_prep_save(row[i], connection)
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
    columns = _columns(model, fields)
    quote = connection.ops.quote_name
    row_placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = [
        field.get_db_prep_save(value, connection)
        for row in rows
        for field, value in zip(columns, row, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in columns)}) "
            f"VALUES {', '.join([row_placeholders] * len(rows))} {suffix}",
            params,
        )
        return cursor.rowcount


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
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
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
        elif vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {function}_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{operation} on {table} is not allowed: "
                    f"the table is append-only'); END;"
                )

    def backwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table};")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {function}_truncate ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")
        elif vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {function}_{operation};")

    return migrations.RunPython(forwards, backwards)
