from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.programme_report_pool import ProgrammeReportPool
    from ..models.programme_report_provider import ProgrammeReportProvider


T = TypeVar("T", bound="ProgrammeReport")


@_attrs_define
class ProgrammeReport:
    """
    Attributes:
        programme (str):
        pools (list[ProgrammeReportPool]):
        providers (list[ProgrammeReportProvider]):
    """

    programme: str
    pools: list[ProgrammeReportPool]
    providers: list[ProgrammeReportProvider]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        programme = self.programme

        pools = []
        for pools_item_data in self.pools:
            pools_item = pools_item_data.to_dict()
            pools.append(pools_item)

        providers = []
        for providers_item_data in self.providers:
            providers_item = providers_item_data.to_dict()
            providers.append(providers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "programme": programme,
                "pools": pools,
                "providers": providers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.programme_report_pool import ProgrammeReportPool  # noqa: PLC0415
        from ..models.programme_report_provider import ProgrammeReportProvider  # noqa: PLC0415

        d = dict(src_dict)
        programme = d.pop("programme")

        pools = []
        _pools = d.pop("pools")
        for pools_item_data in _pools:
            pools_item = ProgrammeReportPool.from_dict(pools_item_data)

            pools.append(pools_item)

        providers = []
        _providers = d.pop("providers")
        for providers_item_data in _providers:
            providers_item = ProgrammeReportProvider.from_dict(providers_item_data)

            providers.append(providers_item)

        programme_report = cls(
            programme=programme,
            pools=pools,
            providers=providers,
        )

        programme_report.additional_properties = d
        return programme_report

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
