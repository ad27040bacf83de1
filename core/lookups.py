"""`field__any=values`: membership in a list, sent as one array parameter.

`field__in=values` puts one placeholder per value into the SQL. With server-side binding
(config.settings), psycopg rewrites each placeholder of a long statement on every execution
(statements of more than 4 kB are not cached), PostgreSQL parses and plans a list of
thousands of parameters, and a statement whose list length varies is never prepared.
`field = ANY(%s)` with one array has one text whatever the list, so it is prepared like any
other. Bulk paths (reconciliation's chunks, settlement, the ledger's bulk resolutions) use
it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup  # foreign keys keep lookups of their own: ids, not instances
@Field.register_lookup
class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = self.rhs
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            raise TypeError("field__any takes a collection of values")
        return [self.lhs.output_field.get_prep_value(value) for value in values]

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(v, connection, prepared=True) for v in value]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
