from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.accreditation import Accreditation
    from ..models.bank_account import BankAccount


T = TypeVar("T", bound="Provider")


@_attrs_define
class Provider:
    """
    Attributes:
        id (UUID):
        organisation (UUID):
        name (str):
        credit_code (str):
        accreditations (list[Accreditation]):
        bank_account (BankAccount | None | Unset):
    """

    id: UUID
    organisation: UUID
    name: str
    credit_code: str
    accreditations: list[Accreditation]
    bank_account: BankAccount | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.bank_account import BankAccount  # noqa: PLC0415

        id = str(self.id)

        organisation = str(self.organisation)

        name = self.name

        credit_code = self.credit_code

        accreditations = []
        for accreditations_item_data in self.accreditations:
            accreditations_item = accreditations_item_data.to_dict()
            accreditations.append(accreditations_item)

        bank_account: dict[str, Any] | None | Unset
        if isinstance(self.bank_account, Unset):
            bank_account = UNSET
        elif isinstance(self.bank_account, BankAccount):
            bank_account = self.bank_account.to_dict()
        else:
            bank_account = self.bank_account

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "organisation": organisation,
                "name": name,
                "credit_code": credit_code,
                "accreditations": accreditations,
            }
        )
        if bank_account is not UNSET:
            field_dict["bank_account"] = bank_account

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.accreditation import Accreditation  # noqa: PLC0415
        from ..models.bank_account import BankAccount  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        organisation = UUID(d.pop("organisation"))

        name = d.pop("name")

        credit_code = d.pop("credit_code")

        accreditations = []
        _accreditations = d.pop("accreditations")
        for accreditations_item_data in _accreditations:
            accreditations_item = Accreditation.from_dict(accreditations_item_data)

            accreditations.append(accreditations_item)

        def _parse_bank_account(data: object) -> BankAccount | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                bank_account_type_1 = BankAccount.from_dict(data)

                return bank_account_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BankAccount | None | Unset, data)

        bank_account = _parse_bank_account(d.pop("bank_account", UNSET))

        provider = cls(
            id=id,
            organisation=organisation,
            name=name,
            credit_code=credit_code,
            accreditations=accreditations,
            bank_account=bank_account,
        )

        provider.additional_properties = d
        return provider

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
