from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.relation_enum import RelationEnum
from ..types import UNSET, Unset

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
        created_at (datetime.datetime):
        share_bps (int | None | Unset):
    """

    id: UUID
    credit_code: str
    relation: RelationEnum
    created_at: datetime.datetime
    share_bps: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        credit_code = self.credit_code

        relation = self.relation.value

        created_at = self.created_at.isoformat()

        share_bps: int | None | Unset
        if isinstance(self.share_bps, Unset):
            share_bps = UNSET
        else:
            share_bps = self.share_bps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "credit_code": credit_code,
                "relation": relation,
                "created_at": created_at,
            }
        )
        if share_bps is not UNSET:
            field_dict["share_bps"] = share_bps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        credit_code = d.pop("credit_code")

        relation = RelationEnum(d.pop("relation"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_share_bps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        share_bps = _parse_share_bps(d.pop("share_bps", UNSET))

        affiliation = cls(
            id=id,
            credit_code=credit_code,
            relation=relation,
            created_at=created_at,
            share_bps=share_bps,
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
