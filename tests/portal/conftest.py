"""The partner portal's world (tests/portal/provider_world.py) as fixtures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import seeded_programme, user_with_role
from tests.portal.provider_world import CODE, ProviderWorld, provider_world
from tests.settlement.conftest import World


@pytest.fixture
def provider(
    db: None,
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: Any,
) -> ProviderWorld:
    from accounts.roles import Role

    programme, _ = seeded_programme(preset="shanghai-2025", code=CODE)
    world = World(
        programme=programme,
        officer=user_with_role(Role.PROGRAMME_OFFICER),
        maker=user_with_role(Role.FINANCE_OFFICER),
        checker=user_with_role(Role.FINANCE_OFFICER),
        client_for=client_for,
        on_commit=django_capture_on_commit_callbacks,
    )
    return provider_world(world)
