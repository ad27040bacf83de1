"""The Django admin: read-only for money models, and every change it makes is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.test.client import RequestFactory
from knox.models import AuthToken

from accounts.models import Affiliation, Organisation, User
from core.admin_audit import AuditedAdminMixin
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

MONEY_APPS = {"ledger", "vouchers", "programmes", "providers", "marketplace", "settlement"}


@pytest.fixture
def superuser() -> User:
    return factories.UserFactory.create(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def test_money_models_are_read_only_even_for_a_superuser(superuser: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    money = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in MONEY_APPS
    ]
    assert money  # the ledger's accounts, transfers and entries at least
    for model, model_admin in money:
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_every_registered_admin_writes_the_audit_log() -> None:
    assert all(isinstance(a, AuditedAdminMixin) for a in admin.site._registry.values())


def test_adding_an_organisation_in_the_admin_is_audited(
    admin_client: Client, superuser: User
) -> None:
    code = factories.credit_code()
    response = admin_client.post(
        "/admin/accounts/organisation/add/",
        {"kind": "firm", "name": "Acme", "credit_code": code, "legal_representative": "Li Lei"},
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(credit_code=code)
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        superuser,
        "admin.created",
        "accounts.organisation",
        str(organisation.pk),
    )
    assert event.after == {"object": str(organisation), "change": [{"added": {}}]}


def test_changing_a_users_password_in_the_admin_is_audited(
    admin_client: Client, superuser: User
) -> None:
    user = factories.UserFactory.create()
    AuthToken.objects.create(user=user)
    AuthToken.objects.create(user=user)
    AuthToken.objects.create(user=superuser)

    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "a-long-new-passphrase-5", "password2": "a-long-new-passphrase-5"},
    )

    assert response.status_code == 302
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.object_id) == (
        superuser,
        "admin.changed",
        str(user.pk),
    )
    assert event.after == {"object": str(user), "change": [{"changed": {"fields": ["password"]}}]}
    assert not AuthToken.objects.filter(user=user).exists()  # as a password change by the API
    assert AuthToken.objects.filter(user=superuser).count() == 1


def test_deleting_in_the_admin_is_audited(admin_client: Client, superuser: User) -> None:
    affiliations: list[Any] = factories.AffiliationFactory.create_batch(2)
    ids = sorted(str(a.pk) for a in affiliations)

    response = admin_client.post(
        "/admin/accounts/affiliation/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert response.status_code == 302
    assert Affiliation.objects.count() == 0
    events = AuditEvent.objects.order_by("object_id")
    assert [(e.actor, e.action, e.object_id) for e in events] == [
        (superuser, "admin.deleted", object_id) for object_id in ids
    ]
