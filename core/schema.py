"""OpenAPI schema tweaks for the house style's nested Input/Output serializers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def _get_serializer_name(
        self, serializer: Any, direction: str, bypass_extensions: bool = False
    ) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        qualname = type(serializer).__qualname__
        if "." in qualname and type(serializer).__name__ in ("InputSerializer", "OutputSerializer"):
            # `RegisterApi.InputSerializer` -> `RegisterInput`, unique per view.
            owner = qualname.split(".")[-2].removesuffix("Api")
            suffix = "Input" if type(serializer).__name__ == "InputSerializer" else "Output"
            name = name.replace(suffix, f"{owner}{suffix}", 1) if name.startswith(suffix) else name
        return name


def strip_trailing_slashes(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Paths answer with and without a trailing slash; document them as API.md writes them."""
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): item for path, item in result["paths"].items()
    }
    return result
