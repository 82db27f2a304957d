"""An organization's units as a tree: the company at the root, departments under it, teams or
posts under those. KPIs point at units by id, so renaming or moving a unit keeps its KPIs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .errors import DomainError
from .organizations import may_name
from .performance import PerformanceRecords, check_revision, clean_text, new_record_id
from .repositories import PerformanceData

MAX_NAME_CHARS = 200
MAX_MISSION_CHARS = 2000
PATH_SEPARATOR = "/"


class UnitKind(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"
    POST = "post"


class UnitError(DomainError):
    """A unit change that cannot be made: unit_name_empty, unit_name_too_long (limit),
    unit_name_has_separator, unit_mission_too_long (limit), unit_unknown (unit),
    unit_company_exists, unit_company_fixed (the company has no parent and stays the root),
    unit_needs_parent, unit_cycle (unit, parent), unit_name_taken (name, parent),
    unit_not_empty (unit, children, kpis), unit_head_not_member (value: a head set or changed
    to someone who holds no role in the organization; organizations.may_name)."""


@dataclass(frozen=True, slots=True)
class OrgUnit:
    id: str
    name: str
    kind: UnitKind
    parent: str | None = None  # None: the company itself
    mission: str = ""  # what the unit exists to deliver
    head: str = ""  # a username
    revision: int = 1

    def to_doc(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind.value,
                "parent": self.parent, "mission": self.mission, "head": self.head,
                "revision": self.revision}

    @classmethod
    def from_doc(cls, doc: Mapping) -> OrgUnit:
        return cls(id=doc["id"], name=doc["name"], kind=UnitKind(doc["kind"]),
                   parent=doc.get("parent"), mission=doc.get("mission", ""),
                   head=doc.get("head", ""), revision=doc.get("revision", 1))


def company_of(records: PerformanceRecords) -> OrgUnit | None:
    return next((unit for unit in records.units.values() if unit.parent is None), None)


def children_of(records: PerformanceRecords, unit_id: str) -> list[OrgUnit]:
    return sorted((unit for unit in records.units.values() if unit.parent == unit_id),
                  key=lambda unit: unit.name.casefold())


def unit_tree(records: PerformanceRecords) -> Iterator[tuple[OrgUnit, int]]:
    """Every unit with its depth (the company 0), each followed by its children by name."""
    def walk(unit: OrgUnit, depth: int) -> Iterator[tuple[OrgUnit, int]]:
        yield unit, depth
        for child in children_of(records, unit.id):
            yield from walk(child, depth + 1)

    if (company := company_of(records)) is not None:
        yield from walk(company, 0)


def ancestors(records: PerformanceRecords, unit_id: str) -> list[OrgUnit]:
    """The units above this one, nearest first (the company last)."""
    found, parent = [], records.units[unit_id].parent
    while parent is not None and parent in records.units and len(found) < len(records.units):
        found.append(records.units[parent])
        parent = records.units[parent].parent
    return found


def unit_path(records: PerformanceRecords, unit_id: str) -> str:
    """The unit's names below the company joined with '/' ('' for the company)."""
    names = [unit.name for unit in reversed(ancestors(records, unit_id))][1:]
    if records.units[unit_id].parent is not None:
        names.append(records.units[unit_id].name)
    return PATH_SEPARATOR.join(names)


def _name(name: str) -> str:
    name = clean_text(name)
    if not name:
        raise UnitError("unit_name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise UnitError("unit_name_too_long", limit=MAX_NAME_CHARS)
    if PATH_SEPARATOR in name:  # a unit is found by its path of names in imports
        raise UnitError("unit_name_has_separator", name=name)
    return name


def _mission(mission: str) -> str:
    mission = (mission or "").strip()
    if len(mission) > MAX_MISSION_CHARS:
        raise UnitError("unit_mission_too_long", limit=MAX_MISSION_CHARS)
    return mission


def _unit(records: PerformanceRecords, unit_id: str) -> OrgUnit:
    try:
        return records.units[unit_id]
    except KeyError:
        raise UnitError("unit_unknown", unit=unit_id) from None


def _check_name_free(records: PerformanceRecords, name: str, parent: str | None,
                     unit_id: str | None = None) -> None:
    """Siblings have different names, so that a path of names finds one unit."""
    for other in records.units.values():
        if other.parent == parent and other.id != unit_id and \
                other.name.casefold() == name.casefold():
            raise UnitError("unit_name_taken", name=name, parent=parent)


def add_unit(records: PerformanceRecords, name: str, parent: str | None,
             kind: UnitKind | str | None = None, mission: str = "", head: str = "",
             people: Collection[str] | None = None) -> OrgUnit:
    """Add a unit to `records` (in a change): the company when `parent` is None, else a unit
    below `parent` (a department below the company, a team below anything else by default);
    its head one of the organization's `people` when given."""
    name = _name(name)
    head = _head(head, people)
    if parent is None:
        if company_of(records) is not None:
            raise UnitError("unit_company_exists")
        kind = UnitKind.COMPANY
    else:
        parent_unit = _unit(records, parent)
        kind = UnitKind(kind) if kind else (
            UnitKind.DEPARTMENT if parent_unit.parent is None else UnitKind.TEAM)
        if kind is UnitKind.COMPANY:
            raise UnitError("unit_company_exists")
        _check_name_free(records, name, parent)
    unit = OrgUnit(new_record_id(), name, kind, parent, _mission(mission), head)
    records.units[unit.id] = unit
    return unit


def _head(head: str, people: Collection[str] | None, stored: str = "") -> str:
    head = clean_text(head)
    if not may_name(head, people, stored):
        raise UnitError("unit_head_not_member", value=head)
    return head


def find_path(records: PerformanceRecords, path: str) -> OrgUnit | None:
    """The unit at a path of names below the company ('' the company), matched without case."""
    unit = company_of(records)
    for name in _path_names(path):
        if unit is None:
            return None
        unit = next((child for child in children_of(records, unit.id)
                     if child.name.casefold() == name.casefold()), None)
    return unit


def ensure_path(records: PerformanceRecords, path: str, company_name: str
                ) -> tuple[OrgUnit, list[str]]:
    """The unit at `path`, with the units missing on the way added (the company named
    `company_name` too); returns it and the paths of the units added."""
    created: list[str] = []
    unit = company_of(records)
    if unit is None:
        unit = add_unit(records, company_name, None)
        created.append("")
    walked: list[str] = []
    for name in _path_names(path):
        walked.append(name)
        child = next((c for c in children_of(records, unit.id)
                      if c.name.casefold() == name.casefold()), None)
        if child is None:
            child = add_unit(records, name, unit.id)
            created.append(PATH_SEPARATOR.join(walked))
        unit = child
    return unit, created


def _path_names(path: str) -> Sequence[str]:
    names = [clean_text(name) for name in path.split(PATH_SEPARATOR)] if path.strip() else []
    if any(not name for name in names):
        raise UnitError("unit_name_empty")
    return names


# -- changes a person makes: each one stored atomically and audited ----------------------------

def create_unit(data: PerformanceData, user: str, name: str, parent: str | None,
                kind: UnitKind | str | None = None, mission: str = "", head: str = "",
                people: Collection[str] | None = None) -> OrgUnit:
    """A new unit (the company itself when `parent` is None and there is none yet)."""
    unit = data.change(lambda records: add_unit(records, name, parent, kind, mission, head,
                                                people))
    data.audit.record(user, "unit_created", unit=unit.id, name=unit.name, parent=unit.parent,
                      kind=unit.kind.value)
    return unit


def update_unit(data: PerformanceData, user: str, unit_id: str, *, name: str | None = None,
                mission: str | None = None, head: str | None = None,
                expected_revision: int | None = None,
                people: Collection[str] | None = None) -> OrgUnit:
    """Rename a unit or change its mission or head (None: unchanged; a new head one of the
    organization's `people` when given); its KPIs stay."""
    def change(records: PerformanceRecords) -> tuple[OrgUnit, OrgUnit]:
        unit = _unit(records, unit_id)
        check_revision("unit", unit_id, unit.revision, expected_revision)
        new_name = unit.name if name is None else _name(name)
        if unit.parent is not None:
            _check_name_free(records, new_name, unit.parent, unit_id)
        changed = replace(unit, name=new_name,
                          mission=unit.mission if mission is None else _mission(mission),
                          head=unit.head if head is None else _head(head, people, unit.head))
        if changed != unit:
            changed = replace(changed, revision=unit.revision + 1)
            records.units[unit_id] = changed
        return unit, changed

    before, unit = data.change(change)
    if unit != before:
        data.audit.record(user, "unit_changed", unit=unit_id, **{
            field: getattr(unit, field) for field in ("name", "mission", "head")
            if getattr(unit, field) != getattr(before, field)})
    return unit


def move_unit(data: PerformanceData, user: str, unit_id: str, new_parent: str,
              expected_revision: int | None = None) -> OrgUnit:
    """Put a unit (with everything below it) under another; never below itself."""
    def change(records: PerformanceRecords) -> OrgUnit:
        unit = _unit(records, unit_id)
        check_revision("unit", unit_id, unit.revision, expected_revision)
        if unit.parent is None:
            raise UnitError("unit_company_fixed")
        _unit(records, new_parent)
        if new_parent == unit_id or unit_id in {a.id for a in ancestors(records, new_parent)}:
            raise UnitError("unit_cycle", unit=unit_id, parent=new_parent)
        _check_name_free(records, unit.name, new_parent, unit_id)
        moved = replace(unit, parent=new_parent, revision=unit.revision + 1)
        records.units[unit_id] = moved
        return moved

    unit = data.change(change)
    data.audit.record(user, "unit_moved", unit=unit_id, parent=new_parent)
    return unit


def remove_unit(data: PerformanceData, user: str, unit_id: str) -> None:
    """Remove a unit that has no units below it and no KPIs (move or remove those first)."""
    def change(records: PerformanceRecords) -> OrgUnit:
        unit = _unit(records, unit_id)
        children = [child.id for child in children_of(records, unit_id)]
        kpis = sorted(kpi.code for kpi in records.kpis.values() if kpi.unit == unit_id)
        if unit.parent is None:  # the company's KPIs have no unit: it is empty when alone
            kpis = sorted(kpi.code for kpi in records.kpis.values() if kpi.unit is None)
        if children or kpis:
            raise UnitError("unit_not_empty", unit=unit_id, children=children, kpis=kpis)
        del records.units[unit_id]
        return unit

    unit = data.change(change)
    data.audit.record(user, "unit_removed", unit=unit_id, name=unit.name)
