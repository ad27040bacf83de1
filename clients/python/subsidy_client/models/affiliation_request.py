from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.relation_enum import RelationEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="AffiliationRequest")


@_attrs_define
class AffiliationRequest:
    """
    Attributes:
        credit_code (str):
        relation (RelationEnum): * `shareholder` - Shareholder
            * `subsidiary` - Subsidiary
            * `parent` - Parent
            * `same_group` - Same Group
            * `other` - Other
        share_bps (int | None | Unset):
    """

    credit_code: str
    relation: RelationEnum
    share_bps: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credit_code = self.credit_code

        relation = self.relation.value

        share_bps: int | None | Unset
        if isinstance(self.share_bps, Unset):
            share_bps = UNSET
        else:
            share_bps = self.share_bps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "credit_code": credit_code,
                "relation": relation,
            }
        )
        if share_bps is not UNSET:
            field_dict["share_bps"] = share_bps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credit_code = d.pop("credit_code")

        relation = RelationEnum(d.pop("relation"))

        def _parse_share_bps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        share_bps = _parse_share_bps(d.pop("share_bps", UNSET))

        affiliation_request = cls(
            credit_code=credit_code,
            relation=relation,
            share_bps=share_bps,
        )

        affiliation_request.additional_properties = d
        return affiliation_request

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
