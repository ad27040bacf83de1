"""The navigation registry: each area registers its entries with the roles that see them.

The base layout (`portal/base.html`) renders `entries_for(user)`, grouped by section, so a new
page adds its entry from its own views module (`nav.register(...)`) without touching a
template. An entry's slot fixes its place; the slots below are the ones the portal plans for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES, Role

# Sections in the order they are shown, each with its slots in order.
SECTIONS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "main": (_("Overview"), ("home",)),
    "provider": (
        _("Provider"),
        (
            "provider.offerings",
            "provider.orders",
            "provider.payouts",
            "provider.accreditation",
            "provider.bank_account",
            "provider.team",
            "provider.integrations",
        ),
    ),
    "firm": (
        _("Firm"),
        ("firm.catalogue", "firm.vouchers", "firm.orders", "firm.team", "firm.affiliations"),
    ),
    "staff": (
        _("Programme"),
        (
            "staff.tasks",
            "staff.firms",
            "staff.providers",
            "staff.programme",
            "staff.payouts",
            "staff.statements",
            "staff.exceptions",
            "staff.reports",
            "staff.audit",
            "staff.ledger",
        ),
    ),
}
SLOTS: dict[str, tuple[str, int]] = {
    slot: (section, position)
    for section, (_label, slots) in SECTIONS.items()
    for position, slot in enumerate(slots)
}

ANY_ROLE: frozenset[str] = frozenset(Role)
ORGANISATION_ROLES = FIRM_ROLES | PROVIDER_ROLES


@dataclass(frozen=True)
class Entry:
    slot: str
    label: Promise
    url_name: str
    roles: frozenset[str] = field(default=ANY_ROLE)
    # Sub-pages whose URL names keep this entry marked as the current page.
    also_current: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    entries: tuple[Entry, ...]


_registry: dict[str, Entry] = {}


def register(
    slot: str,
    label: Promise,
    url_name: str,
    roles: Iterable[str] = ANY_ROLE,
    also_current: Iterable[str] = (),
) -> Entry:
    """Register a page in a slot (one entry per slot; registering again replaces it)."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown navigation slot {slot!r}; add it to portal.nav.SECTIONS.")
    entry = Entry(slot, label, url_name, frozenset(roles), tuple(also_current))
    _registry[slot] = entry
    return entry


def sections_for(user: User) -> list[Section]:
    """The sections and entries the user's roles allow, in slot order; empty sections go."""
    if not user.is_authenticated:
        return []
    roles = user.roles
    sections = []
    for key, (label, slots) in SECTIONS.items():
        entries = tuple(
            _registry[slot] for slot in slots if slot in _registry and roles & _registry[slot].roles
        )
        if entries:
            sections.append(Section(key, label, entries))
    return sections


def visible_slots(user: User) -> set[str]:
    return {entry.slot for section in sections_for(user) for entry in section.entries}


__all__ = ["ORGANISATION_ROLES", "STAFF_ROLES", "Entry", "Section", "register", "sections_for"]
