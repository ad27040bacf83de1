from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum
from ..models.order_status_enum import OrderStatusEnum
from ..models.unit_enum import UnitEnum

T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """An order as every endpoint shows it; built once (`FieldsBuiltOnce`): the order hot
    path answers with it.

        Attributes:
            id (UUID):
            programme (str):
            offering (UUID):
            provider (UUID):
            firm (UUID):
            voucher (None | UUID):
            category (CategoryEnum): * `compute` - Compute
                * `model` - Model
                * `data` - Data
            unit (UnitEnum): * `gpu_hour` - Gpu Hour
                * `million_tokens` - Million Tokens
                * `dataset` - Dataset
            quantity (str):
            unit_price_fen (int):
            gross_fen (int):
            subsidy_fen (int):
            firm_pays_fen (int):
            captured_subsidy_fen (int | None):
            delivered_quantity (str):
            status (OrderStatusEnum): * `pending_provider` - Pending Provider
                * `accepted` - Accepted
                * `rejected` - Rejected
                * `cancelled` - Cancelled
                * `expired` - Expired
                * `awaiting_confirmation` - Awaiting Confirmation
                * `disputed` - Disputed
                * `completed` - Completed
                * `voided` - Voided
            reason (str):
            created_at (datetime.datetime):
            accepted_at (datetime.datetime | None):
            completed_at (datetime.datetime | None):
            resolved_at (datetime.datetime | None):
    """

    id: UUID
    programme: str
    offering: UUID
    provider: UUID
    firm: UUID
    voucher: None | UUID
    category: CategoryEnum
    unit: UnitEnum
    quantity: str
    unit_price_fen: int
    gross_fen: int
    subsidy_fen: int
    firm_pays_fen: int
    captured_subsidy_fen: int | None
    delivered_quantity: str
    status: OrderStatusEnum
    reason: str
    created_at: datetime.datetime
    accepted_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        programme = self.programme

        offering = str(self.offering)

        provider = str(self.provider)

        firm = str(self.firm)

        voucher: None | str
        if isinstance(self.voucher, UUID):
            voucher = str(self.voucher)
        else:
            voucher = self.voucher

        category = self.category.value

        unit = self.unit.value

        quantity = self.quantity

        unit_price_fen = self.unit_price_fen

        gross_fen = self.gross_fen

        subsidy_fen = self.subsidy_fen

        firm_pays_fen = self.firm_pays_fen

        captured_subsidy_fen: int | None
        captured_subsidy_fen = self.captured_subsidy_fen

        delivered_quantity = self.delivered_quantity

        status = self.status.value

        reason = self.reason

        created_at = self.created_at.isoformat()

        accepted_at: None | str
        if isinstance(self.accepted_at, datetime.datetime):
            accepted_at = self.accepted_at.isoformat()
        else:
            accepted_at = self.accepted_at

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "programme": programme,
                "offering": offering,
                "provider": provider,
                "firm": firm,
                "voucher": voucher,
                "category": category,
                "unit": unit,
                "quantity": quantity,
                "unit_price_fen": unit_price_fen,
                "gross_fen": gross_fen,
                "subsidy_fen": subsidy_fen,
                "firm_pays_fen": firm_pays_fen,
                "captured_subsidy_fen": captured_subsidy_fen,
                "delivered_quantity": delivered_quantity,
                "status": status,
                "reason": reason,
                "created_at": created_at,
                "accepted_at": accepted_at,
                "completed_at": completed_at,
                "resolved_at": resolved_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        programme = d.pop("programme")

        offering = UUID(d.pop("offering"))

        provider = UUID(d.pop("provider"))

        firm = UUID(d.pop("firm"))

        def _parse_voucher(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voucher_type_0 = UUID(data)

                return voucher_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        voucher = _parse_voucher(d.pop("voucher"))

        category = CategoryEnum(d.pop("category"))

        unit = UnitEnum(d.pop("unit"))

        quantity = d.pop("quantity")

        unit_price_fen = d.pop("unit_price_fen")

        gross_fen = d.pop("gross_fen")

        subsidy_fen = d.pop("subsidy_fen")

        firm_pays_fen = d.pop("firm_pays_fen")

        def _parse_captured_subsidy_fen(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        captured_subsidy_fen = _parse_captured_subsidy_fen(d.pop("captured_subsidy_fen"))

        delivered_quantity = d.pop("delivered_quantity")

        status = OrderStatusEnum(d.pop("status"))

        reason = d.pop("reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_accepted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                accepted_at_type_0 = datetime.datetime.fromisoformat(data)

                return accepted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        accepted_at = _parse_accepted_at(d.pop("accepted_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        order = cls(
            id=id,
            programme=programme,
            offering=offering,
            provider=provider,
            firm=firm,
            voucher=voucher,
            category=category,
            unit=unit,
            quantity=quantity,
            unit_price_fen=unit_price_fen,
            gross_fen=gross_fen,
            subsidy_fen=subsidy_fen,
            firm_pays_fen=firm_pays_fen,
            captured_subsidy_fen=captured_subsidy_fen,
            delivered_quantity=delivered_quantity,
            status=status,
            reason=reason,
            created_at=created_at,
            accepted_at=accepted_at,
            completed_at=completed_at,
            resolved_at=resolved_at,
        )

        order.additional_properties = d
        return order

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
