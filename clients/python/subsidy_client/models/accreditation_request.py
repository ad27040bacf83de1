from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decision_status_enum import DecisionStatusEnum

T = TypeVar("T", bound="AccreditationRequest")


@_attrs_define
class AccreditationRequest:
    """
    Attributes:
        id (UUID):
        provider (UUID):
        programme (str):
        categories (list[str]):
        status (DecisionStatusEnum): * `pending` - Pending
            * `approved` - Approved
            * `rejected` - Rejected
        reason (str):
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
    """

    id: UUID
    provider: UUID
    programme: str
    categories: list[str]
    status: DecisionStatusEnum
    reason: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        provider = str(self.provider)

        programme = self.programme

        categories = self.categories

        status = self.status.value

        reason = self.reason

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "provider": provider,
                "programme": programme,
                "categories": categories,
                "status": status,
                "reason": reason,
                "created_at": created_at,
                "decided_at": decided_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        provider = UUID(d.pop("provider"))

        programme = d.pop("programme")

        categories = cast(list[str], d.pop("categories"))

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

        accreditation_request = cls(
            id=id,
            provider=provider,
            programme=programme,
            categories=categories,
            status=status,
            reason=reason,
            created_at=created_at,
            decided_at=decided_at,
        )

        accreditation_request.additional_properties = d
        return accreditation_request

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
