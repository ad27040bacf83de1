from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category_enum import CategoryEnum
from ..models.decision_status_enum import DecisionStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.voucher import Voucher


T = TypeVar("T", bound="VoucherApplication")


@_attrs_define
class VoucherApplication:
    """
    Attributes:
        id (UUID):
        programme (str):
        firm (UUID):
        category (CategoryEnum): * `compute` - Compute
            * `model` - Model
            * `data` - Data
        requested_fen (int):
        approved_fen (int | None):
        justification (str):
        status (DecisionStatusEnum): * `pending` - Pending
            * `approved` - Approved
            * `rejected` - Rejected
        reason (str):
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        voucher (None | Unset | Voucher):
    """

    id: UUID
    programme: str
    firm: UUID
    category: CategoryEnum
    requested_fen: int
    approved_fen: int | None
    justification: str
    status: DecisionStatusEnum
    reason: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    voucher: None | Unset | Voucher = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.voucher import Voucher  # noqa: PLC0415

        id = str(self.id)

        programme = self.programme

        firm = str(self.firm)

        category = self.category.value

        requested_fen = self.requested_fen

        approved_fen: int | None
        approved_fen = self.approved_fen

        justification = self.justification

        status = self.status.value

        reason = self.reason

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        voucher: dict[str, Any] | None | Unset
        if isinstance(self.voucher, Unset):
            voucher = UNSET
        elif isinstance(self.voucher, Voucher):
            voucher = self.voucher.to_dict()
        else:
            voucher = self.voucher

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "programme": programme,
                "firm": firm,
                "category": category,
                "requested_fen": requested_fen,
                "approved_fen": approved_fen,
                "justification": justification,
                "status": status,
                "reason": reason,
                "created_at": created_at,
                "decided_at": decided_at,
            }
        )
        if voucher is not UNSET:
            field_dict["voucher"] = voucher

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.voucher import Voucher  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        programme = d.pop("programme")

        firm = UUID(d.pop("firm"))

        category = CategoryEnum(d.pop("category"))

        requested_fen = d.pop("requested_fen")

        def _parse_approved_fen(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        approved_fen = _parse_approved_fen(d.pop("approved_fen"))

        justification = d.pop("justification")

        status = DecisionStatusEnum(d.pop("status"))

        reason = d.pop("reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_voucher(data: object) -> None | Unset | Voucher:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                voucher_type_1 = Voucher.from_dict(data)

                return voucher_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | Voucher, data)

        voucher = _parse_voucher(d.pop("voucher", UNSET))

        voucher_application = cls(
            id=id,
            programme=programme,
            firm=firm,
            category=category,
            requested_fen=requested_fen,
            approved_fen=approved_fen,
            justification=justification,
            status=status,
            reason=reason,
            created_at=created_at,
            decided_at=decided_at,
            voucher=voucher,
        )

        voucher_application.additional_properties = d
        return voucher_application

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
