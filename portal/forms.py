from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES
from portal.labels import KIND_LABELS, role_label


class SignInForm(AuthenticationForm):
    """Django's sign-in form (django-axes counts its failures), by e-mail."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail or password is wrong."),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class SignUpForm(forms.Form):
    """The fields of `POST /api/v1/organisations/register`; the service judges them."""

    kind = forms.ChoiceField(
        label=_("Your organisation is a"),
        choices=[(kind, KIND_LABELS[kind]) for kind in Organisation.Kind.values],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        min_length=18,
        max_length=18,
        help_text=_("18 characters, as on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    admin_email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    admin_password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    admin_password_confirm = forms.CharField(
        label=_("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Checked as it is typed (htmx): the answer lands in #credit-code-check.
        self.fields["credit_code"].widget.attrs.update(
            {
                "hx-get": reverse("portal:signup-credit-code"),
                "hx-trigger": "input changed delay:300ms, blur",
                "hx-target": "#credit-code-check",
                "hx-sync": "this:replace",
                "aria-describedby": "id_credit_code_helptext credit-code-check",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("admin_password")
            and data.get("admin_password_confirm")
            and data["admin_password"] != data["admin_password_confirm"]
        ):
            self.add_error("admin_password_confirm", _("The two passwords differ."))
        return data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label=_("New password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("new_password_confirm")
            and data["new_password"] != data["new_password_confirm"]
        ):
            self.add_error("new_password_confirm", _("The two passwords differ."))
        return data


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    password = forms.CharField(
        label=_("Initial password"),
        max_length=128,
        strip=False,
        help_text=_("Give it to the new member; they can change it after signing in."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = FIRM_ROLES if kind == Organisation.Kind.FIRM else PROVIDER_ROLES
        # Members first: the usual choice.
        ordered = sorted(roles, key=lambda role: (role.endswith("_admin"), role))
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (role, role_label(role)) for role in ordered
        ]
