from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum

T = TypeVar("T", bound="Clawback")


@_attrs_define
class Clawback:
    """
    Attributes:
        id (UUID):
        order (UUID):
        provider (UUID):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        amount_fen (int):
        reason (str):
        created_at (datetime.datetime):
    """

    id: UUID
    order: UUID
    provider: UUID
    category: CategoryEnum
    amount_fen: int
    reason: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        order = str(self.order)

        provider = str(self.provider)

        category = self.category.value

        amount_fen = self.amount_fen

        reason = self.reason

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order": order,
                "provider": provider,
                "category": category,
                "amount_fen": amount_fen,
                "reason": reason,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order = UUID(d.pop("order"))

        provider = UUID(d.pop("provider"))

        category = CategoryEnum(d.pop("category"))

        amount_fen = d.pop("amount_fen")

        reason = d.pop("reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        clawback = cls(
            id=id,
            order=order,
            provider=provider,
            category=category,
            amount_fen=amount_fen,
            reason=reason,
            created_at=created_at,
        )

        clawback.additional_properties = d
        return clawback

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
