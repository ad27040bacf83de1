"""The one way a refusal reaches a page: a service's `DomainError`, in the user's language.

`show_refusal(request, exc, form)` puts each of the error's `fields` on the form field of the
same name (or the form's top when the form has no such field) and its message at the form's
top, or, with no form, as a Django message. Services speak English (the API's language); the
portal translates their messages here. Django's own messages (password validators) arrive
already translated. Add an area's refusals to `REFUSALS` (exact messages), `PATTERNS`
(messages with a detail inside, matched whole) or `PREFIXES` (messages that end in a detail,
such as the credit code's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import structlog
from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

log = structlog.get_logger(__name__)

REFUSALS: dict[str, Promise] = {
    # accounts.services
    "The password is too weak.": _("The password is too weak."),
    "A user with this e-mail already exists.": _("A user with this e-mail already exists."),
    "An organisation with this credit code is already registered.": _(
        "An organisation with this credit code is already registered."
    ),
    "Already registered.": _("Already registered."),
    "Only an organisation admin may add members.": _("Only an organisation admin may add members."),
    "The current password is wrong.": _("The current password is wrong."),
    "The e-mail or password is wrong.": _("The e-mail or password is wrong."),
    "Your role does not allow this action.": _("Your role does not allow this action."),
    # marketplace.services and providers.services: the partner portal
    "Only a provider may do this.": _("Only a provider may do this."),
    "Only a provider admin may do this.": _("Only a provider administrator may do this."),
    "An archived offering cannot be changed.": _("An archived offering cannot be changed."),
    "The offering is already archived.": _("The offering is already archived."),
    "No such order.": _("This order does not exist or is not yours."),
    "The order has deliveries; it cannot be rejected.": _(
        "The order has deliveries; it cannot be rejected."
    ),
    "Nothing was delivered: reject the order instead.": _(
        "Nothing was delivered: reject the order instead."
    ),
    "The quantity must be positive.": _("The quantity must be above zero."),
    "Must be > 0.": _("The quantity must be above zero."),
    "The quantity is too large.": _("The quantity is too large."),
    "Already used for a delivery.": _("This fapiao number is already used for a delivery."),
    # the firms' pages: vouchers, orders, affiliations
    "Only a firm admin may apply for vouchers.": _("Only a firm administrator may apply."),
    "Only a firm may place orders.": _("Only a firm may place orders."),
    "No such offering.": _("This offering does not exist."),
    "No such voucher.": _("This voucher does not exist or is not your firm's."),
    "The order's total is out of range.": _("The order's total is too large."),
    "Out of range.": _("Too large."),
    "Only an organisation admin may declare affiliations.": _(
        "Only an organisation admin may declare affiliations."
    ),
    "An organisation cannot declare itself as an affiliate.": _(
        "Your organisation cannot declare itself as an affiliate."
    ),
    "This is your own credit code.": _("This is your own credit code."),
    "This affiliation is already declared.": _("This affiliation is already declared."),
    "Already declared.": _("Already declared."),
}
# Messages that carry a detail (a voucher's code, a date, a year): matched whole; the named
# groups fill the translation's placeholders.
PATTERNS: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(r"Voucher (?P<code>\S+) expired on (?P<date>\d{4}-\d{2}-\d{2})\."),
        _("Voucher %(code)s expired on %(date)s."),
    ),
    (re.compile(r"Voucher (?P<code>\S+) was revoked\."), _("Voucher %(code)s was revoked.")),
    (
        re.compile(r"Voucher (?P<code>\S+) is for \w+ in its programme; this offering is \w+\."),
        _("Voucher %(code)s is for another category or programme than this offering."),
    ),
    (
        re.compile(r"Voucher (?P<code>\S+) has no free balance left\."),
        _("Voucher %(code)s has no free balance left."),
    ),
    (
        re.compile(r"The firm has reached its (?P<year>\d{4}) cap of \d+ fen in \w+\."),
        _("Your firm has used all of its %(year)s subsidy cap in this category."),
    ),
    (
        re.compile(r".+ is not accredited for \w+ in \S+\."),
        _("The provider is not accredited for this category in the programme."),
    ),
    (
        re.compile(r".+ and .+ are related parties; the subsidy does not apply between them\."),
        _("Your firm and the provider are related parties: the subsidy does not apply."),
    ),
    (
        re.compile(r"The price is now \d+ fen per \w+\."),
        _("The price has changed since the page was loaded; the new price is shown."),
    ),
    (
        re.compile(r"A \w+ quantity has at most \d+ decimal places\."),
        _("The quantity has more decimal places than its unit allows."),
    ),
    (
        re.compile(r"At most (?P<places>\d+) decimal places for \w+\."),
        _("At most %(places)s decimal places."),
    ),
    (re.compile(r"At most \d+\."), _("Too large.")),
    (re.compile(r"Offering .+ is archived\."), _("This offering has been withdrawn.")),
    (
        re.compile(r"The request exceeds the yearly cap of \d+ fen per firm\."),
        _("The amount is more than the yearly cap per firm in this category."),
    ),
    (
        re.compile(r"Programme \S+ has no \w+ pool\."),
        _("The programme has no budget in this category."),
    ),
    (re.compile(r"Not a category of \S+\."), _("Not a category of this programme.")),
    (re.compile(r"Programme \S+ runs from .+"), _("The programme is not running today.")),
    (
        re.compile(r"Cannot [\w ]+ an order that is \w+\."),
        _("The order's status no longer allows this; reload the page."),
    ),
]
PREFIXES: dict[str, Promise] = {
    "Not a valid unified social credit code": _(
        "Not a valid unified social credit code: check its 18 characters and check digit."
    ),
    "A firm member's role must be one of": _("Choose one of the roles listed."),
    "A provider member's role must be one of": _("Choose one of the roles listed."),
    "Must be one of": _("Choose one of the roles listed."),
    "The provider is not accredited for": _(
        "Your organisation is not accredited for this category in this programme."
    ),
}
# The partner portal's messages that carry a figure: the figure is kept, the sentence
# translated.
PATTERNS += [
    (
        re.compile(r"^Fapiao (?P<number>\S+) already justifies another delivery\.$"),
        _("Fapiao %(number)s already justifies another delivery."),
    ),
    (
        re.compile(r"^Only (?P<remaining>[0-9.]+) remains to be delivered\.$"),
        _("Only %(remaining)s remains to be delivered."),
    ),
    (re.compile(r"^At most (?P<limit>[0-9.]+)\.$"), _("At most %(limit)s.")),
    (
        re.compile(r"^Programme (?P<programme>\S+) has no (?P<categories>.+) pool\.$"),
        _("Programme %(programme)s has no pool for: %(categories)s."),
    ),
    (
        re.compile(r"^Not in (?P<programme>\S+): (?P<categories>.+)\.$"),
        _("Programme %(programme)s has no pool for: %(categories)s."),
    ),
]
# Whatever a class of refusal says when its message is not known here.
FALLBACKS: dict[str, Promise] = {
    "permission_denied": _("Your role does not allow this action."),
    "not_found": _("This item does not exist or is not yours."),
    "invalid_state": _("This item is not in a state that allows this action."),
    "conflict": _("Someone changed this at the same time; try again."),
    "insufficient_budget": _("There is not enough budget left to cover this."),
    "price_changed": _("The price has changed since the page was loaded; the new price is shown."),
}
DEFAULT: Promise = _("This request was refused.")


def translate(message: str, code: str | None = None) -> str:
    """The user-language text of a service's message."""
    if message in REFUSALS:
        return str(REFUSALS[message])
    # Prefixes first: they name a message's audience ("The provider is not accredited ..." is
    # the provider's own refusal), where a pattern may match the same words in general.
    for prefix, text in PREFIXES.items():
        if message.startswith(prefix):
            return str(text)
    for pattern, text in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return str(text) % match.groupdict()
    if code in FALLBACKS:
        return str(FALLBACKS[code])
    log.warning("portal.refusal_untranslated", message=message, code=code)
    return str(DEFAULT)


def _messages_of(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _messages_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _messages_of(item)
    else:
        yield str(value)


def show_refusal(
    request: HttpRequest,
    exc: DomainError,
    form: forms.BaseForm | None = None,
    field_map: Mapping[str, str] | None = None,
) -> None:
    """Show `exc` on `form` (its fields, by name or through `field_map`) or as a message."""
    summary = translate(exc.message, exc.code)
    if form is None:
        messages.error(request, summary)
        return
    field_map = field_map or {}
    for name, value in exc.fields.items():
        mapped = field_map.get(name, name)
        target = mapped if mapped in form.fields else None
        for text in _messages_of(value):
            # Django's validators' messages come translated; the service's own are English.
            translated = translate(text, exc.code) if _is_known(text) else text
            if target is None and translated == summary:
                continue  # said once, at the top
            form.add_error(target, translated)
    form.add_error(None, summary)


def _is_known(text: str) -> bool:
    return (
        text in REFUSALS
        or any(text.startswith(prefix) for prefix in PREFIXES)
        or any(pattern.fullmatch(text) for pattern, _text in PATTERNS)
    )
