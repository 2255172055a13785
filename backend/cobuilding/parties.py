"""A side of a pair: an org or a unit, and the org whose subtree decides who sees it."""

from dataclasses import dataclass

from backend.cobuilding.models import CoBuildingPair
from backend.orgs.models import PartyOrg
from backend.units.models import Unit


@dataclass(frozen=True)
class Party:
    org: PartyOrg | None = None
    unit: Unit | None = None

    def __post_init__(self) -> None:
        if (self.org is None) == (self.unit is None):
            raise ValueError("A party is an org or a unit.")

    @property
    def key(self) -> tuple[str, int]:
        if self.org is not None:
            return ("org", self.org.pk)
        assert self.unit is not None
        return ("unit", self.unit.pk)

    @property
    def name(self) -> str:
        return self.org.name if self.org is not None else self.unit.name  # type: ignore[union-attr]

    @property
    def anchor_path(self) -> str | None:
        """An org's own path; a unit's covering org's path; None (district-wide) for a unit no
        org covers."""
        if self.org is not None:
            return str(self.org.path)
        assert self.unit is not None
        covering = self.unit.covering_org
        return str(covering.path) if covering is not None else None


def side_a(pair: CoBuildingPair) -> Party:
    return Party(org=pair.a_org, unit=pair.a_unit)


def side_b(pair: CoBuildingPair) -> Party:
    return Party(org=pair.b_org, unit=pair.b_unit)
