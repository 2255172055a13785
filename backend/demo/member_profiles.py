"""Who the members are: the share of each category, and sex, age and education by category."""

from backend.members.models import Education, MemberCategory

C, E = MemberCategory, Education

# Share of members per category, probationary share, and (female share, age range) per category.
CATEGORY_SHARES: tuple[tuple[str, float], ...] = (
    (C.IN_SERVICE, 0.34),
    (C.RETIRED, 0.28),
    (C.COMMUNITY, 0.16),
    (C.MOBILE, 0.11),
    (C.LAID_OFF, 0.11),
)
PROBATIONARY_SHARE = 0.05
# Members not in service whose relation is in the community organisation (not a compound branch).
IN_COMMUNITY_SHARE: dict[str, float] = {
    C.RETIRED: 0.2,
    C.COMMUNITY: 0.4,
    C.LAID_OFF: 0.3,
    C.MOBILE: 0.4,
}
PROFILE: dict[str, tuple[float, int, int]] = {
    C.IN_SERVICE: (0.42, 23, 59),
    C.RETIRED: (0.38, 60, 92),
    C.COMMUNITY: (0.50, 22, 75),
    C.MOBILE: (0.30, 20, 52),
    C.LAID_OFF: (0.45, 45, 65),
}
# By generation: born before 1965 ("old"), 1965–1984 ("mid"), 1985 and later ("young").
EDUCATION_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "young": (
        (E.POSTGRADUATE, 18),
        (E.BACHELOR, 50),
        (E.COLLEGE, 22),
        (E.SECONDARY_VOCATIONAL, 5),
        (E.HIGH_SCHOOL, 4),
        (E.JUNIOR_OR_BELOW, 1),
    ),
    "mid": (
        (E.POSTGRADUATE, 6),
        (E.BACHELOR, 32),
        (E.COLLEGE, 26),
        (E.SECONDARY_VOCATIONAL, 12),
        (E.HIGH_SCHOOL, 16),
        (E.JUNIOR_OR_BELOW, 8),
    ),
    "old": (
        (E.POSTGRADUATE, 1),
        (E.BACHELOR, 9),
        (E.COLLEGE, 14),
        (E.SECONDARY_VOCATIONAL, 16),
        (E.HIGH_SCHOOL, 30),
        (E.JUNIOR_OR_BELOW, 30),
    ),
}
# Laid-off and mobile members, whatever their generation.
LOW_EDUCATION = (
    (E.COLLEGE, 10),
    (E.SECONDARY_VOCATIONAL, 22),
    (E.HIGH_SCHOOL, 36),
    (E.JUNIOR_OR_BELOW, 30),
    (E.BACHELOR, 2),
)
