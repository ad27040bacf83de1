from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organisation_kind_enum import OrganisationKindEnum

T = TypeVar("T", bound="Organisation")


@_attrs_define
class Organisation:
    """
    Attributes:
        id (UUID):
        kind (OrganisationKindEnum): * `firm` - Firm
            * `provider` - Provider
        name (str):
        credit_code (str):
        legal_representative (str):
    """

    id: UUID
    kind: OrganisationKindEnum
    name: str
    credit_code: str
    legal_representative: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        kind = self.kind.value

        name = self.name

        credit_code = self.credit_code

        legal_representative = self.legal_representative

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "name": name,
                "credit_code": credit_code,
                "legal_representative": legal_representative,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = OrganisationKindEnum(d.pop("kind"))

        name = d.pop("name")

        credit_code = d.pop("credit_code")

        legal_representative = d.pop("legal_representative")

        organisation = cls(
            id=id,
            kind=kind,
            name=name,
            credit_code=credit_code,
            legal_representative=legal_representative,
        )

        organisation.additional_properties = d
        return organisation

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
