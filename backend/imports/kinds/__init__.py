"""The four kinds of import, by their code (the import mutations and jobs name them so)."""

from backend.imports.kinds.members import MEMBERS
from backend.imports.kinds.orgs import ORGS
from backend.imports.kinds.participation import PARTICIPATION
from backend.imports.kinds.units import UNITS
from backend.imports.spec import ImportKind

KINDS: dict[str, ImportKind] = {kind.code: kind for kind in (MEMBERS, UNITS, ORGS, PARTICIPATION)}
