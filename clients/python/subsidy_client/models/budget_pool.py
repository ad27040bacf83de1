from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BudgetPool")


@_attrs_define
class BudgetPool:
    """
    Attributes:
        category (str):
        budget_fen (int):
        rate_bps (int):
        firm_cap_fen (int):
        committed_fen (int | Unset):
        available_fen (int | Unset):
    """

    category: str
    budget_fen: int
    rate_bps: int
    firm_cap_fen: int
    committed_fen: int | Unset = UNSET
    available_fen: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        budget_fen = self.budget_fen

        rate_bps = self.rate_bps

        firm_cap_fen = self.firm_cap_fen

        committed_fen = self.committed_fen

        available_fen = self.available_fen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "budget_fen": budget_fen,
                "rate_bps": rate_bps,
                "firm_cap_fen": firm_cap_fen,
            }
        )
        if committed_fen is not UNSET:
            field_dict["committed_fen"] = committed_fen
        if available_fen is not UNSET:
            field_dict["available_fen"] = available_fen

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        budget_fen = d.pop("budget_fen")

        rate_bps = d.pop("rate_bps")

        firm_cap_fen = d.pop("firm_cap_fen")

        committed_fen = d.pop("committed_fen", UNSET)

        available_fen = d.pop("available_fen", UNSET)

        budget_pool = cls(
            category=category,
            budget_fen=budget_fen,
            rate_bps=rate_bps,
            firm_cap_fen=firm_cap_fen,
            committed_fen=committed_fen,
            available_fen=available_fen,
        )

        budget_pool.additional_properties = d
        return budget_pool

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
