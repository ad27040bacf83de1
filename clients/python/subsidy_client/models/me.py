from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.organisation import Organisation


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        id (UUID):
        email (str):
        roles (list[str]):
        organisation (None | Organisation):
    """

    id: UUID
    email: str
    roles: list[str]
    organisation: None | Organisation
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.organisation import Organisation  # noqa: PLC0415

        id = str(self.id)

        email = self.email

        roles = self.roles

        organisation: dict[str, Any] | None
        if isinstance(self.organisation, Organisation):
            organisation = self.organisation.to_dict()
        else:
            organisation = self.organisation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "roles": roles,
                "organisation": organisation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.organisation import Organisation  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        email = d.pop("email")

        roles = cast(list[str], d.pop("roles"))

        def _parse_organisation(data: object) -> None | Organisation:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                organisation_type_1 = Organisation.from_dict(data)

                return organisation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Organisation, data)

        organisation = _parse_organisation(d.pop("organisation"))

        me = cls(
            id=id,
            email=email,
            roles=roles,
            organisation=organisation,
        )

        me.additional_properties = d
        return me

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
