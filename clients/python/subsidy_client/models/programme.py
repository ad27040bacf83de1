from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.budget_pool import BudgetPool


T = TypeVar("T", bound="Programme")


@_attrs_define
class Programme:
    """
    Attributes:
        id (UUID):
        code (str):
        name (str):
        currency (str):
        starts_on (datetime.date):
        ends_on (datetime.date):
        time_zone (str):
        auto_grant (bool):
        dispute_window_days (int):
        voucher_validity_months (int):
        pools (list[BudgetPool] | Unset):
    """

    id: UUID
    code: str
    name: str
    currency: str
    starts_on: datetime.date
    ends_on: datetime.date
    time_zone: str
    auto_grant: bool
    dispute_window_days: int
    voucher_validity_months: int
    pools: list[BudgetPool] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        code = self.code

        name = self.name

        currency = self.currency

        starts_on = self.starts_on.isoformat()

        ends_on = self.ends_on.isoformat()

        time_zone = self.time_zone

        auto_grant = self.auto_grant

        dispute_window_days = self.dispute_window_days

        voucher_validity_months = self.voucher_validity_months

        pools: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.pools, Unset):
            pools = []
            for pools_item_data in self.pools:
                pools_item = pools_item_data.to_dict()
                pools.append(pools_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "code": code,
                "name": name,
                "currency": currency,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "time_zone": time_zone,
                "auto_grant": auto_grant,
                "dispute_window_days": dispute_window_days,
                "voucher_validity_months": voucher_validity_months,
            }
        )
        if pools is not UNSET:
            field_dict["pools"] = pools

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.budget_pool import BudgetPool  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        code = d.pop("code")

        name = d.pop("name")

        currency = d.pop("currency")

        starts_on = datetime.date.fromisoformat(d.pop("starts_on"))

        ends_on = datetime.date.fromisoformat(d.pop("ends_on"))

        time_zone = d.pop("time_zone")

        auto_grant = d.pop("auto_grant")

        dispute_window_days = d.pop("dispute_window_days")

        voucher_validity_months = d.pop("voucher_validity_months")

        _pools = d.pop("pools", UNSET)
        pools: list[BudgetPool] | Unset = UNSET
        if _pools is not UNSET:
            pools = []
            for pools_item_data in _pools:
                pools_item = BudgetPool.from_dict(pools_item_data)

                pools.append(pools_item)

        programme = cls(
            id=id,
            code=code,
            name=name,
            currency=currency,
            starts_on=starts_on,
            ends_on=ends_on,
            time_zone=time_zone,
            auto_grant=auto_grant,
            dispute_window_days=dispute_window_days,
            voucher_validity_months=voucher_validity_months,
            pools=pools,
        )

        programme.additional_properties = d
        return programme

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
