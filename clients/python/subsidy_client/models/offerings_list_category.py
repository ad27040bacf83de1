from enum import StrEnum


class OfferingsListCategory(StrEnum):
    COMPUTE = "compute"
    DATA = "data"
    MODEL = "model"

    def __str__(self) -> str:
        return str(self.value)
