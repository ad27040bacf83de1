from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.payout_status_enum import PayoutStatusEnum

T = TypeVar("T", bound="Payout")


@_attrs_define
class Payout:
    """
    Attributes:
        id (UUID):
        provider (UUID):
        amount_fen (int):
        reference (str):
        status (PayoutStatusEnum): * `pending` - Pending
            * `sent` - Sent
            * `paid` - Paid
            * `returned` - Returned
            * `held` - Held
        held_reason (str):
        sent_at (datetime.datetime | None):
        paid_at (datetime.datetime | None):
        returned_at (datetime.datetime | None):
    """

    id: UUID
    provider: UUID
    amount_fen: int
    reference: str
    status: PayoutStatusEnum
    held_reason: str
    sent_at: datetime.datetime | None
    paid_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        provider = str(self.provider)

        amount_fen = self.amount_fen

        reference = self.reference

        status = self.status.value

        held_reason = self.held_reason

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        returned_at: None | str
        if isinstance(self.returned_at, datetime.datetime):
            returned_at = self.returned_at.isoformat()
        else:
            returned_at = self.returned_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "provider": provider,
                "amount_fen": amount_fen,
                "reference": reference,
                "status": status,
                "held_reason": held_reason,
                "sent_at": sent_at,
                "paid_at": paid_at,
                "returned_at": returned_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        provider = UUID(d.pop("provider"))

        amount_fen = d.pop("amount_fen")

        reference = d.pop("reference")

        status = PayoutStatusEnum(d.pop("status"))

        held_reason = d.pop("held_reason")

        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        def _parse_returned_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                returned_at_type_0 = datetime.datetime.fromisoformat(data)

                return returned_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        returned_at = _parse_returned_at(d.pop("returned_at"))

        payout = cls(
            id=id,
            provider=provider,
            amount_fen=amount_fen,
            reference=reference,
            status=status,
            held_reason=held_reason,
            sent_at=sent_at,
            paid_at=paid_at,
            returned_at=returned_at,
        )

        payout.additional_properties = d
        return payout

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
