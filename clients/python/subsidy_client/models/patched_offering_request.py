from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedOfferingRequest")


@_attrs_define
class PatchedOfferingRequest:
    """
    Attributes:
        name (str | Unset):
        description (str | Unset):
        unit_price_fen (int | Unset):
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    unit_price_fen: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        unit_price_fen = self.unit_price_fen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if unit_price_fen is not UNSET:
            field_dict["unit_price_fen"] = unit_price_fen

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        unit_price_fen = d.pop("unit_price_fen", UNSET)

        patched_offering_request = cls(
            name=name,
            description=description,
            unit_price_fen=unit_price_fen,
        )

        patched_offering_request.additional_properties = d
        return patched_offering_request

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
