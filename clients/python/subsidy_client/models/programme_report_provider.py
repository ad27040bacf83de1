from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProgrammeReportProvider")


@_attrs_define
class ProgrammeReportProvider:
    """
    Attributes:
        provider (UUID):
        name (str):
        captured_fen (int):
        paid_fen (int):
    """

    provider: UUID
    name: str
    captured_fen: int
    paid_fen: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider = str(self.provider)

        name = self.name

        captured_fen = self.captured_fen

        paid_fen = self.paid_fen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider": provider,
                "name": name,
                "captured_fen": captured_fen,
                "paid_fen": paid_fen,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider = UUID(d.pop("provider"))

        name = d.pop("name")

        captured_fen = d.pop("captured_fen")

        paid_fen = d.pop("paid_fen")

        programme_report_provider = cls(
            provider=provider,
            name=name,
            captured_fen=captured_fen,
            paid_fen=paid_fen,
        )

        programme_report_provider.additional_properties = d
        return programme_report_provider

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
