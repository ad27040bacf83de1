from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="VoucherApplicationApprovalRequest")


@_attrs_define
class VoucherApplicationApprovalRequest:
    """
    Attributes:
        approved_fen (int | None | Unset):
    """

    approved_fen: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        approved_fen: int | None | Unset
        if isinstance(self.approved_fen, Unset):
            approved_fen = UNSET
        else:
            approved_fen = self.approved_fen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if approved_fen is not UNSET:
            field_dict["approved_fen"] = approved_fen

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_approved_fen(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        approved_fen = _parse_approved_fen(d.pop("approved_fen", UNSET))

        voucher_application_approval_request = cls(
            approved_fen=approved_fen,
        )

        voucher_application_approval_request.additional_properties = d
        return voucher_application_approval_request

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
