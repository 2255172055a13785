"""GraphQL for this app: QUERIES and MUTATIONS list its root types; api.schema merges them."""

from backend.activities.graphql_activities import ActivitiesMutation, ActivitiesQuery
from backend.activities.graphql_teams import VolunteerTeamsMutation, VolunteerTeamsQuery

QUERIES: tuple[type, ...] = (ActivitiesQuery, VolunteerTeamsQuery)
MUTATIONS: tuple[type, ...] = (ActivitiesMutation, VolunteerTeamsMutation)
