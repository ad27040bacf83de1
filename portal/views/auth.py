"""Sign-in, sign-out, sign-up, password change and reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import services
from accounts.validators import normalise_credit_code
from core.exceptions import DomainError
from portal.errors import show_refusal, translate
from portal.forms import PasswordChangeForm, ResetRequestForm, SignInForm, SignUpForm
from portal.views import portal_page

SIGN_IN_TEMPLATE = "portal/auth/sign_in.html"


class SignInView(auth_views.LoginView):
    template_name = SIGN_IN_TEMPLATE
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()


def locked_out(request: HttpRequest) -> HttpResponse:
    """django-axes refused this sign-in (portal.lockout): the form again, with why."""
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "locked": True}
    return render(request, SIGN_IN_TEMPLATE, context, status=429)


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView); then the sign-in page."""


sign_out = SignOutView.as_view()


def sign_up(request: HttpRequest) -> HttpResponse:
    """Register a firm or provider with its first admin (accounts.services, as the API), then
    sign that admin in."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _organisation, user = services.organisation_register(
                kind=data["kind"],
                name=data["name"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                admin_email=data["admin_email"],
                admin_password=data["admin_password"],
            )
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your organisation is registered."))
            return redirect("portal:home")
    return render(request, "portal/auth/sign_up.html", {"form": form})


@require_GET
def credit_code_check(request: HttpRequest) -> HttpResponse:
    """The sign-up form's live check (htmx): the same validator as the service."""
    value = request.GET.get("credit_code", "").strip()
    ok, message = False, ""
    if value:
        try:
            normalise_credit_code(value)
        except ValueError as exc:
            message = translate(str(exc), "validation_error")
        else:
            ok, message = True, _("This credit code is well formed.")
    return render(
        request, "portal/auth/_credit_code.html", {"ok": ok, "message": message, "value": value}
    )


@portal_page()
def password_change(request: HttpRequest) -> HttpResponse:
    """The API's password change (accounts.services): API tokens are revoked, audited."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("Your password is changed."))
            return redirect("portal:home")
    return render(request, "portal/auth/password_change.html", {"form": form})


password_reset = auth_views.PasswordResetView.as_view(
    template_name="portal/auth/password_reset.html",
    form_class=ResetRequestForm,
    email_template_name="portal/auth/password_reset_email.txt",
    subject_template_name="portal/auth/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password-reset-sent"),
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/auth/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/auth/password_reset_confirm.html",
    success_url=reverse_lazy("portal:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/auth/password_reset_complete.html"
)
