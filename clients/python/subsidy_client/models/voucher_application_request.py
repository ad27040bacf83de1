from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum

T = TypeVar("T", bound="VoucherApplicationRequest")


@_attrs_define
class VoucherApplicationRequest:
    """
    Attributes:
        programme (str):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        requested_fen (int):
        justification (str):
    """

    programme: str
    category: CategoryEnum
    requested_fen: int
    justification: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        programme = self.programme

        category = self.category.value

        requested_fen = self.requested_fen

        justification = self.justification

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "programme": programme,
                "category": category,
                "requested_fen": requested_fen,
                "justification": justification,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        programme = d.pop("programme")

        category = CategoryEnum(d.pop("category"))

        requested_fen = d.pop("requested_fen")

        justification = d.pop("justification")

        voucher_application_request = cls(
            programme=programme,
            category=category,
            requested_fen=requested_fen,
            justification=justification,
        )

        voucher_application_request.additional_properties = d
        return voucher_application_request

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
