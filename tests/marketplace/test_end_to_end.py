"""The issue's end-to-end story, through the HTTP API only."""

import pytest

from ledger.services import balances_of
from tests.factories import credit_code, seeded_programme
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-1"


def _register(api_client, kind: str, email: str) -> dict:
    response = api_client.post(
        "/api/v1/organisations/register",
        {
            "kind": kind,
            "name": f"{kind} {email}",
            "credit_code": credit_code(),
            "legal_representative": f"Rep {email}",
            "admin_email": email,
            "admin_password": PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _login(client_factory, email: str):
    client = client_factory()
    token = client.post(
        "/api/v1/auth/token", {"email": email, "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_gpu_hours_with_a_30_percent_voucher(api_client, client_for, assert_ledger_ok):
    from rest_framework.test import APIClient

    from accounts.roles import Role
    from tests.factories import user_with_role

    seeded_programme(preset="shanghai-2025", code="SH2025")
    officer = client_for(user_with_role(Role.PROGRAMME_OFFICER))

    _register(api_client, "provider", "cloud@example.com")
    _register(api_client, "firm", "buyer@example.com")
    provider_client = _login(APIClient, "cloud@example.com")
    firm_client = _login(APIClient, "buyer@example.com")

    accreditation = provider_client.post(
        "/api/v1/accreditation-requests", {"programme": "SH2025", "categories": ["compute"]}
    )
    assert accreditation.status_code == 201, accreditation.json()
    assert accreditation.json()["status"] == "pending"
    approved = officer.post(f"/api/v1/accreditation-requests/{accreditation.json()['id']}/approve")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"

    offering = provider_client.post(
        "/api/v1/offerings",
        {
            "programme": "SH2025",
            "category": "compute",
            "name": "A100 hour",
            "unit": "gpu_hour",
            "unit_price_fen": 2000,
            "description": "One NVIDIA A100 for an hour",
        },
    )
    assert offering.status_code == 201, offering.json()
    assert offering.json()["status"] == "active"

    application = firm_client.post(
        "/api/v1/voucher-applications",
        {
            "programme": "SH2025",
            "category": "compute",
            "requested_fen": 100000,
            "justification": "Training a model",
        },
    )
    assert application.status_code == 201, application.json()
    assert application.json()["status"] == "pending"
    issued = officer.post(
        f"/api/v1/voucher-applications/{application.json()['id']}/approve", {"approved_fen": 80000}
    )
    assert issued.status_code == 200, issued.json()
    voucher = issued.json()["voucher"]
    assert voucher["face_value_fen"] == 80000
    assert voucher["available_fen"] == 80000
    assert voucher["rate_bps"] == 3000

    order = firm_client.post(
        "/api/v1/orders",
        {"offering": offering.json()["id"], "quantity": "100", "voucher": voucher["id"]},
        HTTP_IDEMPOTENCY_KEY="order-1",
    )
    assert order.status_code == 201, order.json()
    body = order.json()
    assert body["gross_fen"] == 200000
    assert body["subsidy_fen"] == 60000
    assert body["firm_pays_fen"] == 140000
    assert body["status"] == "pending_provider"
    order_id = body["id"]
    assert firm_client.get(f"/api/v1/vouchers/{voucher['id']}").json()["held_fen"] == 60000

    for step in ("accept",):
        assert provider_client.post(f"/api/v1/orders/{order_id}/{step}").status_code == 200
    delivery = provider_client.post(
        f"/api/v1/orders/{order_id}/deliveries", {"quantity": "80", "invoice_number": "FP-0001"}
    )
    assert delivery.status_code == 201, delivery.json()
    completed = provider_client.post(f"/api/v1/orders/{order_id}/complete")
    assert completed.json()["status"] == "awaiting_confirmation"
    confirmed = firm_client.post(f"/api/v1/orders/{order_id}/confirm")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "completed"
    assert confirmed.json()["captured_subsidy_fen"] == 48000

    voucher_after = firm_client.get(f"/api/v1/vouchers/{voucher['id']}").json()
    assert voucher_after["held_fen"] == 0
    assert voucher_after["used_fen"] == 48000
    assert voucher_after["available_fen"] == 80000 - 48000

    account = Voucher.objects.get(pk=voucher["id"]).account
    assert balances_of([account])[account.pk].available == 32000
    report = officer.get("/api/v1/programmes/SH2025/report").json()
    compute = next(pool for pool in report["pools"] if pool["category"] == "compute")
    assert compute["captured_fen"] == 48000
    assert compute["held_fen"] == 0
    assert compute["committed_fen"] == 80000
    assert report["providers"][0]["captured_fen"] == 48000
    assert_ledger_ok("SH2025")
