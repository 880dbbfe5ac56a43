from gridgov.people.models.figures import GridChange, GridFigures
from gridgov.people.models.imports import ImportJob
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
    "GridChange",
    "GridFigures",
    "Household",
    "ImportJob",
    "Residence",
    "ResidenceRegistration",
    "Resident",
    "ResidentTag",
    "Tag",
    "Unit",
]
