"""Lookups over org paths shared by the apps' demo histories."""

from backend.orgs.models import PartyOrg


def community_of(path: str, communities: dict[str, PartyOrg]) -> PartyOrg | None:
    """The community (of `communities`, keyed by path) at `path` or nearest above it."""
    parts = path.split(".")
    for depth in range(len(parts), 0, -1):
        found = communities.get(".".join(parts[:depth]))
        if found is not None:
            return found
    return None
