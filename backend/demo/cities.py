"""The districts of a generated city: their names and region codes."""

import random

from backend.demo import names as n

# 上海市's 16 districts and their administrative region codes.
SHANGHAI_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("黄浦区", "310101"),
    ("徐汇区", "310104"),
    ("长宁区", "310105"),
    ("静安区", "310106"),
    ("普陀区", "310107"),
    ("虹口区", "310109"),
    ("杨浦区", "310110"),
    ("闵行区", "310112"),
    ("宝山区", "310113"),
    ("嘉定区", "310114"),
    ("浦东新区", "310115"),
    ("金山区", "310116"),
    ("松江区", "310117"),
    ("青浦区", "310118"),
    ("奉贤区", "310120"),
    ("崇明区", "310151"),
)
# The region codes 310101–310199 that no real district holds, for invented ones.
_FREE_CODES = tuple(
    f"3101{i:02d}" for i in range(1, 100) if f"3101{i:02d}" not in dict(SHANGHAI_DISTRICTS).values()
)
MAX_DISTRICTS = len(SHANGHAI_DISTRICTS) + len(_FREE_CODES)


def city_districts(count: int) -> list[tuple[str, str]]:
    """`count` distinct (name, region code) pairs: 上海市's real districts first, then invented
    ones (a place name such as 锦湾区) with the unused 3101xx codes. Always the same list."""
    if not 0 <= count <= MAX_DISTRICTS:
        raise ValueError(f"a city has at most {MAX_DISTRICTS} generated districts, not {count}")
    districts = list(SHANGHAI_DISTRICTS[:count])
    taken = {name for name, _ in SHANGHAI_DISTRICTS}
    rng = random.Random(310100)
    for code in _FREE_CODES[: count - len(districts)]:
        name = ""
        while not name or name in taken:
            first, second = rng.choice(n.PLACE_FIRST), rng.choice(n.PLACE_SECOND)
            name = f"{first}{second}区" if first != second else ""
        taken.add(name)
        districts.append((name, code))
    return districts
