"""Team: the members of the user's organisation; its admins add members."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors, services
from accounts.models import Organisation, User
from accounts.roles import ADMIN_ROLES, FIRM_ROLES, PROVIDER_ROLES
from core.exceptions import DomainError
from portal import nav
from portal.errors import show_refusal
from portal.forms import MemberAddForm
from portal.labels import role_label
from portal.lists import Column, Filter, ListSpec
from portal.views import HtmxHttpRequest, portal_page

ORGANISATION_ROLES = FIRM_ROLES | PROVIDER_ROLES

nav.register(
    "provider.team", gettext_lazy("Team"), "portal:team", PROVIDER_ROLES, ("portal:member",)
)
nav.register("firm.team", gettext_lazy("Team"), "portal:team", FIRM_ROLES, ("portal:member",))


def _members_spec(kind: str) -> ListSpec:
    roles = sorted(FIRM_ROLES if kind == Organisation.Kind.FIRM else PROVIDER_ROLES)
    return ListSpec(
        sorts={
            "email": ("user__email",),
            "role": ("role", "user__email"),
            "joined": ("created_at", "id"),
        },
        default_sort="email",
        filters={
            "role": Filter(
                choices=[(role, role_label(role)) for role in roles],
                apply=lambda rows, value: rows.filter(role=value),
                label=gettext_lazy("Role"),
            )
        },
        columns=[
            Column(gettext_lazy("E-mail"), "email"),
            Column(gettext_lazy("Role"), "role"),
            Column(gettext_lazy("Joined"), "joined"),
        ],
        per_page=20,
    )


@portal_page(*ORGANISATION_ROLES)
def members(request: HtmxHttpRequest) -> HttpResponse:
    """The list (paginated, filtered by role, sorted) and, for admins, the add form. With
    htmx, the add form and the list answer with the `_members.html` fragment."""
    user: User = request.user  # type: ignore[assignment]
    organisation = user.organisation
    if organisation is None:  # organisation roles only; a role without its organisation
        raise PermissionDenied
    is_admin = user.has_role(*ADMIN_ROLES)
    form = None
    if is_admin:
        posted = request.method == "POST"
        form = MemberAddForm(request.POST if posted else None, kind=organisation.kind)
        if posted and form.is_valid():
            try:
                membership = services.member_add(actor=user, **form.cleaned_data)
            except DomainError as exc:
                show_refusal(request, exc, form)
            else:
                messages.success(
                    request,
                    _("%(email)s is now a member of the team.") % {"email": membership.user.email},
                )
                if not request.htmx:
                    return redirect("portal:team")
                form = MemberAddForm(kind=organisation.kind)
    elif request.method == "POST":
        show_refusal(
            request,
            DomainError("Only an organisation admin may add members.", code="permission_denied"),
        )
        return redirect("portal:team")

    listing = _members_spec(organisation.kind).paginate(request, selectors.members_of(user=user))
    context = {"listing": listing, "form": form, "organisation": organisation}
    template = "portal/team/_members.html" if request.htmx else "portal/team/members.html"
    return render(request, template, context)


@portal_page(*ORGANISATION_ROLES)
def member(request: HttpRequest, membership_id: UUID) -> HttpResponse:
    """One member of the user's organisation; another organisation's member is a 404."""
    membership = get_object_or_404(
        selectors.members_of(user=request.user),  # type: ignore[arg-type]
        pk=membership_id,
    )
    return render(request, "portal/team/member.html", {"membership": membership})
