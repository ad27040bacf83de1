from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.relation_enum import RelationEnum

T = TypeVar("T", bound="Affiliation")


@_attrs_define
class Affiliation:
    """
    Attributes:
        id (UUID):
        credit_code (str):
        relation (RelationEnum): * `shareholder` - Shareholder
            * `subsidiary` - Subsidiary
            * `parent` - Parent
            * `same_group` - Same Group
            * `other` - Other
        share_bps (int | None):
        created_at (datetime.datetime):
    """

    id: UUID
    credit_code: str
    relation: RelationEnum
    share_bps: int | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        credit_code = self.credit_code

        relation = self.relation.value

        share_bps: int | None
        share_bps = self.share_bps

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "credit_code": credit_code,
                "relation": relation,
                "share_bps": share_bps,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        credit_code = d.pop("credit_code")

        relation = RelationEnum(d.pop("relation"))

        def _parse_share_bps(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        share_bps = _parse_share_bps(d.pop("share_bps"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        affiliation = cls(
            id=id,
            credit_code=credit_code,
            relation=relation,
            share_bps=share_bps,
            created_at=created_at,
        )

        affiliation.additional_properties = d
        return affiliation

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
