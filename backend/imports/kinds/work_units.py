"""Members' work units as a roster names them: by 统一社会信用代码, or by exact name when that
name is unique among the units the user can see."""

from collections.abc import Sequence

from backend.imports.kinds.common import NOT_FOUND, batch_values, issue
from backend.imports.spec import Column, ImportContext, ParsedRow, RowIssue
from backend.units.models import Unit

AMBIGUOUS = "AMBIGUOUS"
# (unit id, covering org path or None for a unit no org covers)
_Ref = tuple[int, str | None]


class UnitRefs:
    def __init__(
        self,
        by_code: dict[str, _Ref | None],
        by_name: dict[str, list[_Ref]],
        code_column: Column,
        name_column: Column,
    ) -> None:
        self._by_code = by_code
        self._by_name = by_name
        self._code_column = code_column
        self._name_column = name_column

    @classmethod
    def load(
        cls,
        ctx: ImportContext,
        rows: Sequence[ParsedRow],
        code_column: Column,
        name_column: Column,
    ) -> "UnitRefs":
        """Looks up, once per import, the codes and names these rows use."""
        by_code: dict[str, _Ref | None] = ctx.state.setdefault("units_by_credit_code", {})
        by_name: dict[str, list[_Ref]] = ctx.state.setdefault("units_by_name", {})
        codes = batch_values(rows, code_column.key) - by_code.keys()
        if codes:
            found = dict(_refs(Unit.objects.filter(credit_code__in=codes), "credit_code"))
            by_code.update({code: found.get(code) for code in codes})
        named = {
            row.values[name_column.key]
            for row in rows
            if row.values.get(name_column.key) and not row.values.get(code_column.key)
        }
        names = named - by_name.keys()
        if names:
            for name in names:
                by_name[name] = []
            for name, ref in _refs(Unit.objects.filter(name__in=names), "name"):
                by_name[name].append(ref)
        return cls(by_code, by_name, code_column, name_column)

    def issue(self, row: ParsedRow, ctx: ImportContext) -> RowIssue | None:
        code = row.values.get(self._code_column.key)
        if code:
            ref = self._by_code.get(code)
            if ref is None or not _visible(ctx, ref):
                return issue(row, self._code_column, NOT_FOUND, "未找到该统一社会信用代码的单位。")
            return None
        name = row.values.get(self._name_column.key)
        if not name:
            return None
        candidates = [ref for ref in self._by_name.get(name, []) if _visible(ctx, ref)]
        if not candidates:
            return issue(row, self._name_column, NOT_FOUND, "未找到该名称的单位，请先导入单位。")
        if len(candidates) > 1:
            return issue(
                row,
                self._name_column,
                AMBIGUOUS,
                "有多个同名单位，请填写工作单位统一社会信用代码。",
            )
        return None

    def unit_id(self, row: ParsedRow, ctx: ImportContext) -> int | None:
        """The unit of a row that passed `issue` (None when it names none)."""
        code = row.values.get(self._code_column.key)
        if code:
            ref = self._by_code[code]
            return ref[0] if ref is not None else None
        name = row.values.get(self._name_column.key)
        if not name:
            return None
        return next(ref[0] for ref in self._by_name[name] if _visible(ctx, ref))


def _refs(units: "object", key: str) -> list[tuple[str, _Ref]]:
    rows = units.values_list(key, "id", "covering_org__path")  # type: ignore[attr-defined]
    return [(value, (pk, path)) for value, pk, path in rows]


def _visible(ctx: ImportContext, ref: _Ref) -> bool:
    """As for the unit pages: within the subtree of the org that covers it; a unit no org
    covers is district-wide data, for district admins only."""
    path = ref[1]
    return ctx.access.is_district_admin if path is None else ctx.access.can_read(path)
