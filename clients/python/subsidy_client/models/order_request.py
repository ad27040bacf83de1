from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderRequest")


@_attrs_define
class OrderRequest:
    """
    Attributes:
        offering (UUID):
        quantity (str):
        voucher (None | Unset | UUID):
        unit_price_fen (int | Unset): The price the client saw; 422 price_changed if it is no longer current.
    """

    offering: UUID
    quantity: str
    voucher: None | Unset | UUID = UNSET
    unit_price_fen: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        offering = str(self.offering)

        quantity = self.quantity

        voucher: None | str | Unset
        if isinstance(self.voucher, Unset):
            voucher = UNSET
        elif isinstance(self.voucher, UUID):
            voucher = str(self.voucher)
        else:
            voucher = self.voucher

        unit_price_fen = self.unit_price_fen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "offering": offering,
                "quantity": quantity,
            }
        )
        if voucher is not UNSET:
            field_dict["voucher"] = voucher
        if unit_price_fen is not UNSET:
            field_dict["unit_price_fen"] = unit_price_fen

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offering = UUID(d.pop("offering"))

        quantity = d.pop("quantity")

        def _parse_voucher(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voucher_type_0 = UUID(data)

                return voucher_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        voucher = _parse_voucher(d.pop("voucher", UNSET))

        unit_price_fen = d.pop("unit_price_fen", UNSET)

        order_request = cls(
            offering=offering,
            quantity=quantity,
            voucher=voucher,
            unit_price_fen=unit_price_fen,
        )

        order_request.additional_properties = d
        return order_request

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
