"""Accreditation requests (the admin submits; members read) and the bank account (masked;
the admin sets and replaces it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.roles import Role
from providers.models import AccreditationRequest, BankAccount
from tests import factories
from tests.portal.provider_world import ProviderWorld, signed_in

pytestmark = pytest.mark.django_db
ZH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_page_lists_accreditations_and_requests_and_the_admin_submits(
    provider: ProviderWorld,
) -> None:
    client = signed_in(provider.admin)
    before = client.get("/provider/accreditation").content.decode()
    assert "Accredited" in before
    assert "Approved" in before

    response = client.post(
        "/provider/accreditation", {"programme": "SH2025", "categories": ["model", "data"]}
    )

    assert response.status_code == 302
    request = AccreditationRequest.objects.filter(provider=provider.admin.organisation).latest(
        "created_at"
    )
    assert (request.status, request.categories) == ("pending", ["data", "model"])
    page = client.get("/provider/accreditation").content.decode()
    assert "Your request is submitted for review." in page
    assert "Under review" in page
    assert "Model APIs, Data sets" in page or "Data sets, Model APIs" in page


def test_a_member_sees_no_request_form_and_cannot_submit(
    provider: ProviderWorld, nothing_written: Any
) -> None:
    client = signed_in(provider.member)
    assert "Submit the request" not in client.get("/provider/accreditation").content.decode()

    with nothing_written():
        response = client.post(
            "/provider/accreditation", {"programme": "SH2025", "categories": ["model"]}, **ZH
        )

    assert response.status_code == 302
    assert (
        "只有服务商管理员可以执行此操作。"
        in client.get("/provider/accreditation", **ZH).content.decode()
    )


def test_the_bank_account_is_masked_and_the_admin_replaces_it(provider: ProviderWorld) -> None:
    member = signed_in(provider.member)
    shown = member.get("/provider/bank-account").content.decode()
    number = BankAccount.objects.get(provider=provider.admin.organisation).account_number
    assert f"<code>****{number[-4:]}</code>" in shown
    assert number not in shown
    assert "Save the bank account" not in shown

    admin = signed_in(provider.admin)
    response = admin.post(
        "/provider/bank-account",
        {
            "account_name": "Pudong Compute",
            "account_number": "6222020012345678",
            "bank_name": "ICBC",
        },
    )

    assert response.status_code == 302
    page = admin.get("/provider/bank-account").content.decode()
    assert "<code>****5678</code>" in page
    assert "6222020012345678" not in page
    assert BankAccount.objects.get(provider=provider.admin.organisation).bank_name == "ICBC"


def test_bank_account_refusals_write_nothing(provider: ProviderWorld, nothing_written: Any) -> None:
    admin = signed_in(provider.admin)
    member = signed_in(provider.member)
    data = {"account_name": "X", "account_number": "12ab", "bank_name": "ICBC"}

    with nothing_written():
        bad = admin.post("/provider/bank-account", data).content.decode()
        by_member = member.post("/provider/bank-account", {**data, "account_number": "12345678"})

    assert "Enter 8 to 34 digits." in bad
    assert by_member.status_code == 302


def test_firms_are_refused_and_csrf_is_enforced(provider: ProviderWorld) -> None:
    firm = signed_in(factories.user_with_role(Role.FIRM_ADMIN))
    assert firm.get("/provider/accreditation").status_code == 403
    assert firm.get("/provider/bank-account").status_code == 403
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.admin)
    assert client.post("/provider/bank-account", {"account_name": "x"}).status_code == 403
