from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum
from ..models.unit_enum import UnitEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="OfferingRequest")


@_attrs_define
class OfferingRequest:
    """
    Attributes:
        programme (str):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        name (str):
        unit (UnitEnum): * `gpu_hour` - Gpu Hour
            * `million_tokens` - Million Tokens
            * `dataset` - Dataset
        unit_price_fen (int):
        description (str | Unset):
    """

    programme: str
    category: CategoryEnum
    name: str
    unit: UnitEnum
    unit_price_fen: int
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        programme = self.programme

        category = self.category.value

        name = self.name

        unit = self.unit.value

        unit_price_fen = self.unit_price_fen

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "programme": programme,
                "category": category,
                "name": name,
                "unit": unit,
                "unit_price_fen": unit_price_fen,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        programme = d.pop("programme")

        category = CategoryEnum(d.pop("category"))

        name = d.pop("name")

        unit = UnitEnum(d.pop("unit"))

        unit_price_fen = d.pop("unit_price_fen")

        description = d.pop("description", UNSET)

        offering_request = cls(
            programme=programme,
            category=category,
            name=name,
            unit=unit,
            unit_price_fen=unit_price_fen,
            description=description,
        )

        offering_request.additional_properties = d
        return offering_request

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
