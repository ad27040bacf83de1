import pytest

from tests.factories import credit_code

pytestmark = pytest.mark.django_db


def test_register_and_me(api_client):
    body = {
        "kind": "firm",
        "name": "Acme",
        "credit_code": credit_code(),
        "legal_representative": "Li",
        "admin_email": "a@example.com",
        "admin_password": "a-long-passphrase-1",
    }
    response = api_client.post("/api/v1/organisations/register", body, format="json")
    assert response.status_code == 201, response.json()
    token = api_client.post(
        "/api/v1/auth/token",
        {"email": "a@example.com", "password": "a-long-passphrase-1"},
        format="json",
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["roles"] == ["firm_admin"]
    response = api_client.post(
        "/api/v1/organisations/me/members",
        {"email": "b@example.com", "password": "another-passphrase-2", "role": "firm_member"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 201
    again = api_client.post(
        "/api/v1/organisations/me/members",
        {"email": "b@example.com", "password": "another-passphrase-2", "role": "firm_member"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    bad = api_client.post(
        "/api/v1/organisations/register",
        {**body, "credit_code": "91310000MA1FL8LQ1Y"},
        format="json",
    )
    assert bad.status_code == 400
    assert "credit_code" in bad.json()["error"]["fields"]
