from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Voucher")


@_attrs_define
class Voucher:
    """
    Attributes:
        id (UUID):
        code (str):
        programme (str):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        firm (UUID):
        face_value_fen (int):
        rate_bps (int):
        valid_from (datetime.datetime):
        valid_until (datetime.datetime):
        available_fen (int | Unset):
        held_fen (int | Unset):
        used_fen (int | Unset):
        status (str | Unset):
    """

    id: UUID
    code: str
    programme: str
    category: CategoryEnum
    firm: UUID
    face_value_fen: int
    rate_bps: int
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    available_fen: int | Unset = UNSET
    held_fen: int | Unset = UNSET
    used_fen: int | Unset = UNSET
    status: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        code = self.code

        programme = self.programme

        category = self.category.value

        firm = str(self.firm)

        face_value_fen = self.face_value_fen

        rate_bps = self.rate_bps

        valid_from = self.valid_from.isoformat()

        valid_until = self.valid_until.isoformat()

        available_fen = self.available_fen

        held_fen = self.held_fen

        used_fen = self.used_fen

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "code": code,
                "programme": programme,
                "category": category,
                "firm": firm,
                "face_value_fen": face_value_fen,
                "rate_bps": rate_bps,
                "valid_from": valid_from,
                "valid_until": valid_until,
            }
        )
        if available_fen is not UNSET:
            field_dict["available_fen"] = available_fen
        if held_fen is not UNSET:
            field_dict["held_fen"] = held_fen
        if used_fen is not UNSET:
            field_dict["used_fen"] = used_fen
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        code = d.pop("code")

        programme = d.pop("programme")

        category = CategoryEnum(d.pop("category"))

        firm = UUID(d.pop("firm"))

        face_value_fen = d.pop("face_value_fen")

        rate_bps = d.pop("rate_bps")

        valid_from = datetime.datetime.fromisoformat(d.pop("valid_from"))

        valid_until = datetime.datetime.fromisoformat(d.pop("valid_until"))

        available_fen = d.pop("available_fen", UNSET)

        held_fen = d.pop("held_fen", UNSET)

        used_fen = d.pop("used_fen", UNSET)

        status = d.pop("status", UNSET)

        voucher = cls(
            id=id,
            code=code,
            programme=programme,
            category=category,
            firm=firm,
            face_value_fen=face_value_fen,
            rate_bps=rate_bps,
            valid_from=valid_from,
            valid_until=valid_until,
            available_fen=available_fen,
            held_fen=held_fen,
            used_fen=used_fen,
            status=status,
        )

        voucher.additional_properties = d
        return voucher

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
