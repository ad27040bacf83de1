from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reconciliation_exception_kind_enum import ReconciliationExceptionKindEnum
from ..models.reconciliation_exception_status_enum import ReconciliationExceptionStatusEnum

T = TypeVar("T", bound="ReconciliationException")


@_attrs_define
class ReconciliationException:
    """
    Attributes:
        id (UUID):
        statement (UUID):
        line_number (int):
        reference (str):
        amount_fen (int):
        kind (ReconciliationExceptionKindEnum): * `unknown_reference` - Unknown Reference
            * `amount_mismatch` - Amount Mismatch
            * `duplicate_line` - Duplicate Line
            * `payout_not_sent` - Payout Not Sent
            * `payout_not_paid` - Payout Not Paid
            * `already_settled` - Already Settled
            * `currency_mismatch` - Currency Mismatch
        message (str):
        status (ReconciliationExceptionStatusEnum): * `open` - Open
            * `resolved` - Resolved
        note (str):
        created_at (datetime.datetime):
        resolved_at (datetime.datetime | None):
    """

    id: UUID
    statement: UUID
    line_number: int
    reference: str
    amount_fen: int
    kind: ReconciliationExceptionKindEnum
    message: str
    status: ReconciliationExceptionStatusEnum
    note: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        statement = str(self.statement)

        line_number = self.line_number

        reference = self.reference

        amount_fen = self.amount_fen

        kind = self.kind.value

        message = self.message

        status = self.status.value

        note = self.note

        created_at = self.created_at.isoformat()

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
                "statement": statement,
                "line_number": line_number,
                "reference": reference,
                "amount_fen": amount_fen,
                "kind": kind,
                "message": message,
                "status": status,
                "note": note,
                "created_at": created_at,
                "resolved_at": resolved_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        statement = UUID(d.pop("statement"))

        line_number = d.pop("line_number")

        reference = d.pop("reference")

        amount_fen = d.pop("amount_fen")

        kind = ReconciliationExceptionKindEnum(d.pop("kind"))

        message = d.pop("message")

        status = ReconciliationExceptionStatusEnum(d.pop("status"))

        note = d.pop("note")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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

        reconciliation_exception = cls(
            id=id,
            statement=statement,
            line_number=line_number,
            reference=reference,
            amount_fen=amount_fen,
            kind=kind,
            message=message,
            status=status,
            note=note,
            created_at=created_at,
            resolved_at=resolved_at,
        )

        reconciliation_exception.additional_properties = d
        return reconciliation_exception

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
