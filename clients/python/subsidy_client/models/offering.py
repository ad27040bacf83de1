from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum
from ..models.offering_status_enum import OfferingStatusEnum
from ..models.unit_enum import UnitEnum

T = TypeVar("T", bound="Offering")


@_attrs_define
class Offering:
    """
    Attributes:
        id (UUID):
        programme (str):
        provider (UUID):
        provider_name (str):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        name (str):
        description (str):
        unit (UnitEnum): * `gpu_hour` - Gpu Hour
            * `million_tokens` - Million Tokens
            * `dataset` - Dataset
        unit_price_fen (int):
        status (OfferingStatusEnum): * `active` - Active
            * `archived` - Archived
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    programme: str
    provider: UUID
    provider_name: str
    category: CategoryEnum
    name: str
    description: str
    unit: UnitEnum
    unit_price_fen: int
    status: OfferingStatusEnum
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        programme = self.programme

        provider = str(self.provider)

        provider_name = self.provider_name

        category = self.category.value

        name = self.name

        description = self.description

        unit = self.unit.value

        unit_price_fen = self.unit_price_fen

        status = self.status.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "programme": programme,
                "provider": provider,
                "provider_name": provider_name,
                "category": category,
                "name": name,
                "description": description,
                "unit": unit,
                "unit_price_fen": unit_price_fen,
                "status": status,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        programme = d.pop("programme")

        provider = UUID(d.pop("provider"))

        provider_name = d.pop("provider_name")

        category = CategoryEnum(d.pop("category"))

        name = d.pop("name")

        description = d.pop("description")

        unit = UnitEnum(d.pop("unit"))

        unit_price_fen = d.pop("unit_price_fen")

        status = OfferingStatusEnum(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        offering = cls(
            id=id,
            programme=programme,
            provider=provider,
            provider_name=provider_name,
            category=category,
            name=name,
            description=description,
            unit=unit,
            unit_price_fen=unit_price_fen,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
        )

        offering.additional_properties = d
        return offering

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
