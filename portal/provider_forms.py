"""The providers' forms: they parse input (amounts typed in yuan become fen here, exactly);
the services judge it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.money import MAX_FEN, Category
from marketplace.models import QUANTITY_MAX, Unit
from portal.labels import CATEGORY_LABELS, UNIT_LABELS


class YuanField(forms.CharField):
    """An amount typed in yuan (at most two decimals), cleaned to integer fen."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 12.50."),
        "positive": _("Enter an amount above zero."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Not `max_length`: its validator runs on the cleaned value, which is fen.
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": 24})

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").replace(",", "").replace("¥", "").strip()
        if not text:
            return None
        if len(text) > 24:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        fen = int(amount * 100)
        if fen <= 0:
            raise forms.ValidationError(self.error_messages["positive"], code="positive")
        if fen > MAX_FEN:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return fen

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value // 100}.{value % 100:02d}"
        return value


class AccreditationChoiceField(forms.ChoiceField):
    """`<programme code>:<category>`. The page offers the provider's active accreditations;
    any well-formed value is accepted, so that the service, not the form, says when the
    provider is not accredited (an accreditation suspended since the page loaded)."""

    def valid_value(self, value: Any) -> bool:
        code, separator, category = str(value).partition(":")
        return bool(separator and code and len(code) <= 32 and category in Category.values)


class OfferingCreateForm(forms.Form):
    accreditation = AccreditationChoiceField(
        label=_("Programme and category"),
        help_text=_("Only the categories your organisation is accredited for."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.ChoiceField(label=_("Unit"), choices=[(u, UNIT_LABELS[u]) for u in Unit.values])
    unit_price_fen = YuanField(label=_("Price per unit (yuan)"))
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )

    def __init__(self, *args: Any, accreditations: list[tuple[str, str, str]], **kwargs: Any):
        """`accreditations`: (programme code, programme name, category) of each active one."""
        super().__init__(*args, **kwargs)
        self.fields["accreditation"].choices = [  # type: ignore[attr-defined]
            (f"{code}:{category}", f"{name} ({code}) · {CATEGORY_LABELS[category]}")
            for code, name, category in accreditations
        ]

    def programme_and_category(self) -> tuple[str, str]:
        code, _separator, category = self.cleaned_data["accreditation"].partition(":")
        return code, category


class OfferingUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_price_fen = YuanField(
        label=_("Price per unit (yuan)"),
        help_text=_("A new price applies to orders placed from now on; it is kept in the history."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 3}))


class DeliveryForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("Quantity delivered"),
        max_digits=20,
        decimal_places=6,
        min_value=Decimal("0.000001"),
        max_value=QUANTITY_MAX,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
    )
    invoice_number = forms.CharField(
        label=_("Fapiao number"),
        max_length=64,
        help_text=_("The invoice (fapiao) for the firm's share: letters, digits and hyphens."),
        validators=[
            RegexValidator(r"^[0-9A-Za-z-]{1,64}$", _("Use letters, digits and hyphens only."))
        ],
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
    )


class AccreditationRequestForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=[(c, CATEGORY_LABELS[c]) for c in Category.values],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, programmes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            (code, f"{name} ({code})") for code, name in programmes
        ]


class BankAccountForm(forms.Form):
    account_name = forms.CharField(label=_("Account name"), max_length=200)
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=34,
        help_text=_("8 to 34 digits. Shown afterwards with only its last four digits."),
        validators=[RegexValidator(r"^[0-9]{8,34}$", _("Enter 8 to 34 digits."))],
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=200)
