"""The API docs render in headless Chromium with the network cut: Swagger UI and ReDoc load
everything from our own server (drf-spectacular-sidecar), as a city intranet needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_every_operation_offline(
    offline_page: Any, live_server: Any, screenshot: Callable[..., Path]
) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    operations = sum(
        1 for item in schema["paths"].values() for method in item if method in HTTP_METHODS
    )

    offline_page.goto(f"{live_server.url}/api/docs/")

    expect(offline_page.get_by_role("heading", name="City AI subsidy platform API")).to_be_visible()
    expect(offline_page.locator(".opblock-summary-path", has_text="/orders").first).to_be_visible()
    assert offline_page.locator(".opblock").count() == operations
    screenshot(offline_page, "api-docs-swagger", full_page=False)
    assert offline_page.foreign_requests == []


def test_redoc_renders_offline(
    offline_page: Any, live_server: Any, screenshot: Callable[..., Path]
) -> None:
    offline_page.goto(f"{live_server.url}/api/redoc/")

    expect(offline_page.get_by_role("heading", name="City AI subsidy platform API")).to_be_visible()
    expect(offline_page.get_by_text("/api/v1/orders").first).to_be_attached()
    screenshot(offline_page, "api-docs-redoc", full_page=False)
    assert offline_page.foreign_requests == []
