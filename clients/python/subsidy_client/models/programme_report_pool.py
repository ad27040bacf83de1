from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProgrammeReportPool")


@_attrs_define
class ProgrammeReportPool:
    """
    Attributes:
        category (str):
        budget_fen (int):
        committed_fen (int):
        held_fen (int):
        captured_fen (int):
        sent_fen (int):
        paid_fen (int):
        clawed_back_fen (int):
        available_fen (int):
    """

    category: str
    budget_fen: int
    committed_fen: int
    held_fen: int
    captured_fen: int
    sent_fen: int
    paid_fen: int
    clawed_back_fen: int
    available_fen: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        budget_fen = self.budget_fen

        committed_fen = self.committed_fen

        held_fen = self.held_fen

        captured_fen = self.captured_fen

        sent_fen = self.sent_fen

        paid_fen = self.paid_fen

        clawed_back_fen = self.clawed_back_fen

        available_fen = self.available_fen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "budget_fen": budget_fen,
                "committed_fen": committed_fen,
                "held_fen": held_fen,
                "captured_fen": captured_fen,
                "sent_fen": sent_fen,
                "paid_fen": paid_fen,
                "clawed_back_fen": clawed_back_fen,
                "available_fen": available_fen,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        budget_fen = d.pop("budget_fen")

        committed_fen = d.pop("committed_fen")

        held_fen = d.pop("held_fen")

        captured_fen = d.pop("captured_fen")

        sent_fen = d.pop("sent_fen")

        paid_fen = d.pop("paid_fen")

        clawed_back_fen = d.pop("clawed_back_fen")

        available_fen = d.pop("available_fen")

        programme_report_pool = cls(
            category=category,
            budget_fen=budget_fen,
            committed_fen=committed_fen,
            held_fen=held_fen,
            captured_fen=captured_fen,
            sent_fen=sent_fen,
            paid_fen=paid_fen,
            clawed_back_fen=clawed_back_fen,
            available_fen=available_fen,
        )

        programme_report_pool.additional_properties = d
        return programme_report_pool

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
