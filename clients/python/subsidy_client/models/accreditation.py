from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.accreditation_status_enum import AccreditationStatusEnum
from ..models.category_enum import CategoryEnum

T = TypeVar("T", bound="Accreditation")


@_attrs_define
class Accreditation:
    """
    Attributes:
        id (UUID):
        programme (str):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        status (AccreditationStatusEnum): * `active` - Active
            * `suspended` - Suspended
        reason (str):
    """

    id: UUID
    programme: str
    category: CategoryEnum
    status: AccreditationStatusEnum
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        programme = self.programme

        category = self.category.value

        status = self.status.value

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "programme": programme,
                "category": category,
                "status": status,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        programme = d.pop("programme")

        category = CategoryEnum(d.pop("category"))

        status = AccreditationStatusEnum(d.pop("status"))

        reason = d.pop("reason")

        accreditation = cls(
            id=id,
            programme=programme,
            category=category,
            status=status,
            reason=reason,
        )

        accreditation.additional_properties = d
        return accreditation

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
