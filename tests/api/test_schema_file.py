from backend.api.exported import exported_schemas


def test_committed_sdl_files_match_the_code() -> None:
    """`make schema` regenerates these; a stale file means an API change escaped review."""
    for path, sdl in exported_schemas().items():
        assert path.read_text(encoding="utf-8") == sdl, f"{path.name} is stale: run `make schema`"


def test_every_connection_is_cursor_paginated_and_capped() -> None:
    sdl = exported_schemas()
    district_sdl = next(text for path, text in sdl.items() if path.name == "schema.graphql")
    assert "offset" not in district_sdl
    for connection in (
        "PartyOrgCursorConnection",
        "MemberCursorConnection",
        "UnitCursorConnection",
    ):
        assert f"type {connection} {{" in district_sdl
