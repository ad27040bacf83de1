from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BankAccount")


@_attrs_define
class BankAccount:
    """The number is in full for finance officers only; everyone else sees it masked.

    Attributes:
        account_name (str):
        account_number_masked (str):
        bank_name (str):
        updated_at (datetime.datetime):
        account_number (str | Unset): In full, for finance officers only; absent for everyone else.
    """

    account_name: str
    account_number_masked: str
    bank_name: str
    updated_at: datetime.datetime
    account_number: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_name = self.account_name

        account_number_masked = self.account_number_masked

        bank_name = self.bank_name

        updated_at = self.updated_at.isoformat()

        account_number = self.account_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_name": account_name,
                "account_number_masked": account_number_masked,
                "bank_name": bank_name,
                "updated_at": updated_at,
            }
        )
        if account_number is not UNSET:
            field_dict["account_number"] = account_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_name = d.pop("account_name")

        account_number_masked = d.pop("account_number_masked")

        bank_name = d.pop("bank_name")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        account_number = d.pop("account_number", UNSET)

        bank_account = cls(
            account_name=account_name,
            account_number_masked=account_number_masked,
            bank_name=bank_name,
            updated_at=updated_at,
            account_number=account_number,
        )

        bank_account.additional_properties = d
        return bank_account

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
