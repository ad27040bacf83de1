"""Lists for every list page: a page of rows, filtered and sorted by whitelisted query
parameters, rendered with `portal/_pagination.html` and `portal/_sort_header.html`.

    spec = ListSpec(
        sorts={"email": ("user__email",), "joined": ("created_at", "id")},
        default_sort="-joined",
        filters={"role": Filter(choices=..., apply=lambda rows, value: rows.filter(role=value))},
    )
    listing = spec.paginate(request, selectors.members_of(user=request.user))

A parameter outside the whitelist, or a value outside a filter's choices, is ignored (the page
shows the default list). The query count is the queryset's own plus one count per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class Filter:
    choices: Sequence[tuple[str, str | Promise]]
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]]
    label: str | Promise = ""


@dataclass(frozen=True)
class Column:
    """A column header: `sort` is the key of `ListSpec.sorts`, or empty for a fixed column."""

    label: str | Promise
    sort: str = ""


@dataclass
class Listing:
    page: Page[Any]
    sort: str  # the sort key in use, without its sign
    descending: bool
    filters: dict[str, str]
    filter_specs: dict[str, Filter]
    columns: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> Any:
        return self.page.object_list

    @property
    def filter_fields(self) -> list[dict[str, Any]]:
        """Each filter with its choices and the value chosen, for the filter form."""
        return [
            {
                "name": name,
                "label": spec.label,
                "choices": spec.choices,
                "value": self.filters.get(name, ""),
            }
            for name, spec in self.filter_specs.items()
        ]


@dataclass(frozen=True)
class ListSpec:
    sorts: dict[str, tuple[str, ...]]
    default_sort: str
    filters: dict[str, Filter] = field(default_factory=dict)
    columns: Sequence[Column] = ()
    per_page: int = 25

    def paginate(self, request: HttpRequest, queryset: QuerySet[Any]) -> Listing:
        params = request.GET
        chosen: dict[str, str] = {}
        for name, spec in self.filters.items():
            value = params.get(name, "")
            if value and value in {choice for choice, _label in spec.choices}:
                queryset = spec.apply(queryset, value)
                chosen[name] = value

        sort = params.get("sort", "") or self.default_sort
        key = sort.removeprefix("-")
        if key not in self.sorts:
            sort, key = self.default_sort, self.default_sort.removeprefix("-")
        descending = sort.startswith("-")
        order = [f"-{expr}" if descending else expr for expr in self.sorts[key]]
        queryset = queryset.order_by(*order)

        paginator = Paginator(queryset, self.per_page)
        page = paginator.get_page(params.get("page"))  # out of range or junk: nearest page
        columns = [
            {
                "label": column.label,
                "sort": column.sort,
                "current": column.sort == key,
                "descending": column.sort == key and descending,
                # A click sorts by the column, ascending first, then toggles.
                "next": (
                    f"-{column.sort}" if column.sort == key and not descending else column.sort
                ),
            }
            for column in self.columns
        ]
        return Listing(page, key, descending, chosen, dict(self.filters), columns)
