"""The firms' forms: they parse what a person types (yuan to fen, a percentage to basis
points, a quantity) and leave every rule to the services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Affiliation
from core.money import MAX_FEN, Category
from marketplace.models import QUANTITY_MAX
from portal.labels import CATEGORY_LABELS, RELATION_LABELS, value_label
from portal.templatetags.money import yuan
from programmes.models import Programme
from vouchers.models import Voucher

FEN = Decimal("0.01")


class VoucherApplicationForm(forms.Form):
    """`POST /api/v1/vouchers/applications`'s fields, the amount in yuan."""

    programme = forms.ChoiceField(label=_("Programme"))
    category = forms.ChoiceField(
        label=_("Category"), choices=[(value, CATEGORY_LABELS[value]) for value in Category]
    )
    amount = forms.DecimalField(
        label=_("Amount asked for (yuan)"),
        min_value=FEN,
        max_digits=19,
        help_text=_("In yuan, to the fen at most: for example 5000 or 1234.56."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    justification = forms.CharField(
        label=_("What the subsidy is for"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, programmes: Iterable[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            (programme.code, programme.name) for programme in programmes
        ]

    def clean_amount(self) -> int:
        """The amount in fen, converted here once; a fraction of a fen is refused."""
        amount: Decimal = self.cleaned_data["amount"]
        if amount != amount.quantize(FEN):
            raise forms.ValidationError(_("Give the amount to the fen at most (two decimals)."))
        fen = int(amount * 100)
        if fen > MAX_FEN:
            raise forms.ValidationError(_("The amount is too large."))
        return fen


class OrderForm(forms.Form):
    """`POST /api/v1/orders`'s fields: the quantity, the voucher (or none), and the unit price
    the page showed (`price_changed` if it is no longer the price)."""

    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.000001"),
        max_value=QUANTITY_MAX,
        max_digits=20,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    voucher = forms.ChoiceField(label=_("Voucher"), required=False)
    expected_unit_price_fen = forms.IntegerField(
        min_value=1, max_value=MAX_FEN, required=False, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, vouchers: Iterable[Voucher], quote_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voucher"].choices = [  # type: ignore[attr-defined]
            ("", _("No voucher (full price)")),
            *((str(voucher.pk), voucher_choice_label(voucher)) for voucher in vouchers),
        ]
        if quote_url:
            # The quote follows what is typed and chosen (htmx): it lands in #quote.
            live = {
                "hx-get": quote_url,
                "hx-include": "closest form",
                "hx-target": "#quote",
                "hx-sync": "closest form:replace",
                "aria-controls": "quote",
            }
            self.fields["quantity"].widget.attrs.update(
                {**live, "hx-trigger": "input changed delay:300ms, change"}
            )
            self.fields["voucher"].widget.attrs.update({**live, "hx-trigger": "change"})


def voucher_choice_label(voucher: Voucher) -> str:
    """A voucher as the order form offers it: code, category and free balance."""
    available = max(voucher.account.available, 0)
    return str(
        _("%(code)s · %(category)s · %(available)s available")
        % {
            "code": voucher.code,
            "category": value_label("category", voucher.category),
            "available": yuan(available),
        }
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with the delivery"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AffiliationForm(forms.Form):
    """`POST /api/v1/organisations/me/affiliations`'s fields, the share as a percentage."""

    credit_code = forms.CharField(
        label=_("Unified social credit code of the related party"),
        min_length=18,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=[(value, RELATION_LABELS[value]) for value in Affiliation.Relation],
    )
    share = forms.DecimalField(
        label=_("Share held (%)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        help_text=_("Optional: the percentage of shares, to two decimals."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        share = data.pop("share", None)
        data["share_bps"] = None if share is None else int(share * 100)
        return data
