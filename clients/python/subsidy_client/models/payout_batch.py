from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.payout_batch_status_enum import PayoutBatchStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payout import Payout


T = TypeVar("T", bound="PayoutBatch")


@_attrs_define
class PayoutBatch:
    """
    Attributes:
        id (UUID):
        programme (str):
        status (PayoutBatchStatusEnum): * `preparing` - Preparing
            * `draft` - Draft
            * `submitted` - Submitted
            * `approved` - Approved
            * `closed` - Closed
        cutoff_at (datetime.datetime):
        total_fen (int):
        prepared_by (None | UUID):
        submitted_by (None | UUID):
        approved_by (None | UUID):
        prepared_at (datetime.datetime | None):
        submitted_at (datetime.datetime | None):
        approved_at (datetime.datetime | None):
        created_at (datetime.datetime):
        payouts (list[Payout] | Unset):
    """

    id: UUID
    programme: str
    status: PayoutBatchStatusEnum
    cutoff_at: datetime.datetime
    total_fen: int
    prepared_by: None | UUID
    submitted_by: None | UUID
    approved_by: None | UUID
    prepared_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    created_at: datetime.datetime
    payouts: list[Payout] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        programme = self.programme

        status = self.status.value

        cutoff_at = self.cutoff_at.isoformat()

        total_fen = self.total_fen

        prepared_by: None | str
        if isinstance(self.prepared_by, UUID):
            prepared_by = str(self.prepared_by)
        else:
            prepared_by = self.prepared_by

        submitted_by: None | str
        if isinstance(self.submitted_by, UUID):
            submitted_by = str(self.submitted_by)
        else:
            submitted_by = self.submitted_by

        approved_by: None | str
        if isinstance(self.approved_by, UUID):
            approved_by = str(self.approved_by)
        else:
            approved_by = self.approved_by

        prepared_at: None | str
        if isinstance(self.prepared_at, datetime.datetime):
            prepared_at = self.prepared_at.isoformat()
        else:
            prepared_at = self.prepared_at

        submitted_at: None | str
        if isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        approved_at: None | str
        if isinstance(self.approved_at, datetime.datetime):
            approved_at = self.approved_at.isoformat()
        else:
            approved_at = self.approved_at

        created_at = self.created_at.isoformat()

        payouts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.payouts, Unset):
            payouts = []
            for payouts_item_data in self.payouts:
                payouts_item = payouts_item_data.to_dict()
                payouts.append(payouts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "programme": programme,
                "status": status,
                "cutoff_at": cutoff_at,
                "total_fen": total_fen,
                "prepared_by": prepared_by,
                "submitted_by": submitted_by,
                "approved_by": approved_by,
                "prepared_at": prepared_at,
                "submitted_at": submitted_at,
                "approved_at": approved_at,
                "created_at": created_at,
            }
        )
        if payouts is not UNSET:
            field_dict["payouts"] = payouts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payout import Payout  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        programme = d.pop("programme")

        status = PayoutBatchStatusEnum(d.pop("status"))

        cutoff_at = datetime.datetime.fromisoformat(d.pop("cutoff_at"))

        total_fen = d.pop("total_fen")

        def _parse_prepared_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prepared_by_type_0 = UUID(data)

                return prepared_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        prepared_by = _parse_prepared_by(d.pop("prepared_by"))

        def _parse_submitted_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_by_type_0 = UUID(data)

                return submitted_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        submitted_by = _parse_submitted_by(d.pop("submitted_by"))

        def _parse_approved_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                approved_by_type_0 = UUID(data)

                return approved_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        approved_by = _parse_approved_by(d.pop("approved_by"))

        def _parse_prepared_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prepared_at_type_0 = datetime.datetime.fromisoformat(data)

                return prepared_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        prepared_at = _parse_prepared_at(d.pop("prepared_at"))

        def _parse_submitted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_at_type_0 = datetime.datetime.fromisoformat(data)

                return submitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))

        def _parse_approved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                approved_at_type_0 = datetime.datetime.fromisoformat(data)

                return approved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        approved_at = _parse_approved_at(d.pop("approved_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        _payouts = d.pop("payouts", UNSET)
        payouts: list[Payout] | Unset = UNSET
        if _payouts is not UNSET:
            payouts = []
            for payouts_item_data in _payouts:
                payouts_item = Payout.from_dict(payouts_item_data)

                payouts.append(payouts_item)

        payout_batch = cls(
            id=id,
            programme=programme,
            status=status,
            cutoff_at=cutoff_at,
            total_fen=total_fen,
            prepared_by=prepared_by,
            submitted_by=submitted_by,
            approved_by=approved_by,
            prepared_at=prepared_at,
            submitted_at=submitted_at,
            approved_at=approved_at,
            created_at=created_at,
            payouts=payouts,
        )

        payout_batch.additional_properties = d
        return payout_batch

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
