from enum import StrEnum


class OfferingsListUnit(StrEnum):
    DATASET = "dataset"
    GPU_HOUR = "gpu_hour"
    MILLION_TOKENS = "million_tokens"

    def __str__(self) -> str:
        return str(self.value)
