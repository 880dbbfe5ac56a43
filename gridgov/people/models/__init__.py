from gridgov.people.models.places import Building, Household, Unit
from gridgov.people.models.residents import (
    Residence,
    ResidenceRegistration,
    Resident,
    ResidentTag,
    Tag,
)

__all__ = [
    "Building",
    "Household",
    "Residence",
    "ResidenceRegistration",
    "Resident",
    "ResidentTag",
    "Tag",
    "Unit",
]
