"""The base of every API view: typed access to the authenticated caller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rest_framework.generics import GenericAPIView

if TYPE_CHECKING:
    from accounts.models import User


class BaseApi(GenericAPIView[Any]):
    @property
    def actor(self) -> User:
        """The authenticated caller. Only call it behind an authentication permission."""
        return cast("User", self.request.user)

    def is_schema_generation(self) -> bool:
        return bool(getattr(self, "swagger_fake_view", False))
