from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BankStatement")


@_attrs_define
class BankStatement:
    """
    Attributes:
        id (UUID):
        lines (int):
        matched (int):
        exceptions (int):
    """

    id: UUID
    lines: int
    matched: int
    exceptions: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        lines = self.lines

        matched = self.matched

        exceptions = self.exceptions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "lines": lines,
                "matched": matched,
                "exceptions": exceptions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        lines = d.pop("lines")

        matched = d.pop("matched")

        exceptions = d.pop("exceptions")

        bank_statement = cls(
            id=id,
            lines=lines,
            matched=matched,
            exceptions=exceptions,
        )

        bank_statement.additional_properties = d
        return bank_statement

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
