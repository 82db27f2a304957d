"""The KPI register: each KPI's standard (what is measured, from where, against which baseline
and target, by whom), its place in the decomposition tree, and its agreement by the owner and
the owner's superior. Measurements are in measurements.py; status in kpi_status.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum

from .clock import utc_now
from .errors import DomainError
from .organizations import may_name
from .performance import PerformanceRecords, check_revision, new_record_id
from .repositories import PerformanceData
from .strategy import Perspective
from .units import company_of

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
RESULTS_ITEM = re.compile(r"^4\.7\.[1-9]$")  # the results items a KPI can evidence
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 4000
DEFAULT_AMBER = 0.9


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    BAND = "band"  # inside [band_low, band_high] is good


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


PERIODS_PER_YEAR = {Frequency.WEEKLY: 52, Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4,
                    Frequency.HALF_YEARLY: 2, Frequency.YEARLY: 1}


class KpiError(DomainError):
    """A KPI field that cannot be stored; `field` names it (None: the KPI as a whole).
    kpi_unknown (kpi), kpi_field_required, kpi_field_too_long (limit), kpi_code_invalid
    (value), kpi_code_taken (value), kpi_not_a_number (value), kpi_date_invalid (value),
    kpi_choice_unknown (value), kpi_amber_out_of_range (value), kpi_band_required,
    kpi_band_inverted, kpi_band_only, kpi_stretch_short (value), kpi_unknown_unit (value),
    kpi_unknown_owner (value), kpi_owner_not_member (value: an account that holds no role in
    the organization), kpi_unknown_parent (value), kpi_parent_cycle (value),
    kpi_unknown_objective (value), kpi_item_invalid (value), kpi_has_children (children),
    kpi_in_plans (plans: the titles of the plans that name it),
    kpi_field_unknown (a field a KPI does not have, or one the register keeps itself),
    kpi_not_party (user): only the owner and the superior accept a KPI."""

    def __init__(self, code: str, field: str | None = None, **data: object) -> None:
        super().__init__(code, field=field, **data)
        self.field = field


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str
    code: str  # unique in the organization
    name: str
    direction: Direction = Direction.UP
    definition: str = ""
    formula: str = ""
    data_source: str = ""
    measure_unit: str = ""  # "%", "days", "万元"
    baseline: float | None = None
    baseline_date: str | None = None  # YYYY-MM-DD
    target: float | None = None
    target_date: str | None = None
    stretch: float | None = None
    amber: float | None = None  # attainment from which a miss is amber (None: DEFAULT_AMBER)
    band_low: float | None = None
    band_high: float | None = None
    frequency: Frequency | None = None
    owner: str = ""  # a username
    unit: str | None = None  # an OrgUnit id; None: the company itself
    parent: str | None = None  # the KPI this one is decomposed from
    perspective: Perspective | None = None
    objectives: tuple[str, ...] = ()  # strategic objective ids
    items: tuple[str, ...] = ()  # results items (4.7.x) it evidences
    comparison: float | None = None  # a competitor's or the industry's value
    comparison_source: str = ""
    agreed_by_owner_at: str | None = None
    agreed_by_superior_at: str | None = None
    agreed_by_superior: str = ""  # who accepted as the superior
    revision: int = 1

    @property
    def amber_level(self) -> float:
        return DEFAULT_AMBER if self.amber is None else self.amber

    @property
    def agreed(self) -> bool:
        return bool(self.agreed_by_owner_at and self.agreed_by_superior_at)

    def to_doc(self) -> dict:
        doc = {f.name: getattr(self, f.name) for f in fields(self)}
        doc["objectives"], doc["items"] = list(self.objectives), list(self.items)
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping) -> Kpi:
        values = {f.name: doc[f.name] for f in fields(cls) if f.name in doc}
        values["direction"] = Direction(values.get("direction", Direction.UP))
        for name, kind in (("frequency", Frequency), ("perspective", Perspective)):
            if values.get(name) is not None:
                values[name] = kind(values[name])
        values["objectives"] = tuple(values.get("objectives", ()))
        values["items"] = tuple(values.get("items", ()))
        return cls(**values)


# What a person edits; the rest (id, agreement, revision) the register keeps.
EDITABLE = tuple(f.name for f in fields(Kpi) if f.name not in {
    "id", "agreed_by_owner_at", "agreed_by_superior_at", "agreed_by_superior", "revision"})
# The KPI's standard: a change to any of these asks owner and superior to agree again.
STANDARD = ("definition", "formula", "measure_unit", "direction", "baseline", "baseline_date",
            "target", "target_date", "stretch", "band_low", "band_high", "owner", "unit")
CHOICES = {"direction": Direction, "frequency": Frequency, "perspective": Perspective}
NUMBERS = ("baseline", "target", "stretch", "amber", "band_low", "band_high", "comparison")
DATES = ("baseline_date", "target_date")
TEXTS = {"code": 40, "name": MAX_NAME_CHARS, "definition": MAX_TEXT_CHARS,
         "formula": MAX_TEXT_CHARS, "data_source": MAX_TEXT_CHARS, "measure_unit": 40,
         "owner": 40, "comparison_source": MAX_TEXT_CHARS}


def is_iso_date(value: object) -> bool:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def owner_problem(owner: str, people: Collection[str] | None,
                  stored: Kpi | None = None) -> KpiError | None:
    """A KPI's owner must be one of the organization's `people` (any role in it: manager,
    leader or member): only they open its pages, where the owner enters its values and
    accepts its standard. Refused (kpi_owner_not_member) when the owner is set or changed to
    anyone else; an owner kept as `stored` (the KPI as stored, None for a new one) stays,
    even one who has since left the organization, so old KPIs remain editable
    (organizations.may_name). `people` None: not checked."""
    if may_name(owner, people, stored.owner if stored is not None else ""):
        return None
    return KpiError("kpi_owner_not_member", "owner", value=owner)


def kpi_problems(records: PerformanceRecords, kpi: Kpi,
                 usernames: Collection[str] | None = None,
                 people: Collection[str] | None = None) -> list[KpiError]:
    """Everything wrong with `kpi` as a record of `records` (empty: it can be stored). Owners
    are checked against `usernames` (the accounts) and `people` (the organization's people,
    owner_problem) when given."""
    problems: list[KpiError] = []
    for name, limit in TEXTS.items():
        value = getattr(kpi, name)
        if not isinstance(value, str):
            problems.append(KpiError("kpi_field_required", name))
        elif len(value) > limit:
            problems.append(KpiError("kpi_field_too_long", name, limit=limit))
    for name in ("code", "name"):
        if isinstance(getattr(kpi, name), str) and not getattr(kpi, name).strip():
            problems.append(KpiError("kpi_field_required", name))
    if kpi.code and not CODE.fullmatch(kpi.code):
        problems.append(KpiError("kpi_code_invalid", "code", value=kpi.code))
    elif any(other.code.casefold() == kpi.code.casefold() and other.id != kpi.id
             for other in records.kpis.values()):
        problems.append(KpiError("kpi_code_taken", "code", value=kpi.code))
    for name, kind in CHOICES.items():
        value = getattr(kpi, name)
        if value is not None and not isinstance(value, kind):
            problems.append(KpiError("kpi_choice_unknown", name, value=value))
    numbers_ok = True
    for name in NUMBERS:
        value = getattr(kpi, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not math.isfinite(value)):
            problems.append(KpiError("kpi_not_a_number", name, value=value))
            numbers_ok = False
    for name in DATES:
        value = getattr(kpi, name)
        if value is not None and not is_iso_date(value):
            problems.append(KpiError("kpi_date_invalid", name, value=value))
    if numbers_ok:
        problems.extend(_level_problems(kpi))
    problems.extend(_reference_problems(records, kpi, usernames, people))
    return problems


def _level_problems(kpi: Kpi) -> Iterator[KpiError]:
    if kpi.amber is not None and not 0 < kpi.amber < 1:
        yield KpiError("kpi_amber_out_of_range", "amber", value=kpi.amber)
    if kpi.direction is Direction.BAND:
        for name in ("band_low", "band_high"):
            if getattr(kpi, name) is None:
                yield KpiError("kpi_band_required", name)
        if None not in (kpi.band_low, kpi.band_high) and kpi.band_low > kpi.band_high:
            yield KpiError("kpi_band_inverted", "band_high")
        return
    for name in ("band_low", "band_high"):
        if getattr(kpi, name) is not None:
            yield KpiError("kpi_band_only", name)
    if kpi.stretch is not None and kpi.target is not None and (
            kpi.stretch < kpi.target if kpi.direction is Direction.UP
            else kpi.stretch > kpi.target):
        yield KpiError("kpi_stretch_short", "stretch", value=kpi.stretch)


def _reference_problems(records: PerformanceRecords, kpi: Kpi,
                        usernames: Collection[str] | None,
                        people: Collection[str] | None) -> Iterator[KpiError]:
    if kpi.unit is not None and kpi.unit not in records.units:
        yield KpiError("kpi_unknown_unit", "unit", value=kpi.unit)
    if usernames is not None and kpi.owner and kpi.owner not in usernames:
        yield KpiError("kpi_unknown_owner", "owner", value=kpi.owner)
    elif isinstance(kpi.owner, str) and (
            problem := owner_problem(kpi.owner, people, records.kpis.get(kpi.id))):
        yield problem
    if kpi.parent is not None:
        if kpi.parent not in records.kpis:
            yield KpiError("kpi_unknown_parent", "parent", value=kpi.parent)
        elif kpi.parent == kpi.id or kpi.id in {k.id for k in
                                                kpi_ancestors(records, kpi.parent)}:
            yield KpiError("kpi_parent_cycle", "parent", value=kpi.parent)
    for objective in kpi.objectives:
        if objective not in records.objectives:
            yield KpiError("kpi_unknown_objective", "objectives", value=objective)
    for item in kpi.items:
        if not isinstance(item, str) or not RESULTS_ITEM.fullmatch(item):
            yield KpiError("kpi_item_invalid", "items", value=item)


def kpi_ancestors(records: PerformanceRecords, kpi_id: str) -> list[Kpi]:
    """The KPIs this one is decomposed from, nearest first (stops at a loop or a gap)."""
    found: list[Kpi] = []
    parent = records.kpis[kpi_id].parent if kpi_id in records.kpis else None
    while parent in records.kpis and parent not in {k.id for k in found}:
        found.append(records.kpis[parent])  # type: ignore[index]
        parent = records.kpis[parent].parent  # type: ignore[index]
    return found


def kpi_children(records: PerformanceRecords, kpi_id: str) -> list[Kpi]:
    return sorted((kpi for kpi in records.kpis.values() if kpi.parent == kpi_id),
                  key=lambda kpi: kpi.code.casefold())


def kpi_tree(records: PerformanceRecords) -> Iterator[tuple[Kpi, int]]:
    """Every KPI with its depth in the decomposition (company KPIs without a parent 0), each
    followed by its children by code."""
    def walk(kpi: Kpi, depth: int) -> Iterator[tuple[Kpi, int]]:
        yield kpi, depth
        for child in kpi_children(records, kpi.id):
            yield from walk(child, depth + 1)

    for root in sorted((k for k in records.kpis.values() if k.parent is None),
                       key=lambda kpi: kpi.code.casefold()):
        yield from walk(root, 0)


def find_code(records: PerformanceRecords, code: str) -> Kpi | None:
    return next((kpi for kpi in records.kpis.values()
                 if kpi.code.casefold() == code.casefold()), None)


def superior_of(records: PerformanceRecords, kpi: Kpi) -> str:
    """The owner's superior: the head of the unit above the KPI's unit (for a company KPI, or
    a unit right below the company, the company's head); '' when that unit has none."""
    unit = records.units.get(kpi.unit) if kpi.unit else None
    above = records.units.get(unit.parent) if unit and unit.parent else None
    above = above or company_of(records)
    return above.head if above else ""


def _get(records: PerformanceRecords, kpi_id: str) -> Kpi:
    try:
        return records.kpis[kpi_id]
    except KeyError:
        raise KpiError("kpi_unknown", None, kpi=kpi_id) from None


def normalized(records: PerformanceRecords, kpi: Kpi) -> Kpi:
    """One way to say each thing: the company's own unit id is no unit, numbers are floats,
    choices their enum members (a value that is no choice stays, for kpi_problems to name)."""
    company = company_of(records)
    if company is not None and kpi.unit == company.id:
        kpi = replace(kpi, unit=None)
    numbers = {name: float(value) for name in NUMBERS
               if isinstance(value := getattr(kpi, name), int) and not isinstance(value, bool)}
    choices = {name: kind(value) for name, kind in CHOICES.items()
               if isinstance(value := getattr(kpi, name), str) and value in set(kind)}
    code = kpi.code.strip() if isinstance(kpi.code, str) else kpi.code
    return replace(kpi, code=code, **numbers, **choices)


def store_kpi(records: PerformanceRecords, kpi: Kpi,
              usernames: Collection[str] | None = None,
              people: Collection[str] | None = None) -> Kpi:
    """Put `kpi` in `records` (in a change) after checking it; a changed standard clears the
    agreement. Raises the first problem (kpi_problems lists them all)."""
    kpi = normalized(records, kpi)
    if problems := kpi_problems(records, kpi, usernames, people):
        raise problems[0]
    kpi = revised(records.kpis.get(kpi.id), kpi)
    records.kpis[kpi.id] = kpi
    return kpi


def revised(stored: Kpi | None, kpi: Kpi) -> Kpi:
    """`kpi` as the next revision of `stored` (None: a new KPI); a changed standard clears the
    agreement."""
    if stored is None or kpi == stored:
        return kpi
    if any(getattr(kpi, name) != getattr(stored, name) for name in STANDARD):
        kpi = replace(kpi, agreed_by_owner_at=None, agreed_by_superior_at=None,
                      agreed_by_superior="")
    return replace(kpi, revision=stored.revision + 1)


def _changes(before: Kpi | None, after: Kpi) -> dict[str, object]:
    """The edited fields that differ (for a new KPI: those given), for the audit trail."""
    return {name: getattr(after, name) for name in EDITABLE
            if (getattr(after, name) not in (None, "", ()) if before is None
                else getattr(after, name) != getattr(before, name))}


def create_kpi(data: PerformanceData, user: str, values: Mapping[str, object],
               usernames: Collection[str] | None = None,
               people: Collection[str] | None = None) -> Kpi:
    """A new KPI from the editable fields in `values` (code and name at least); its owner one
    of `people` when given (owner_problem)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise KpiError("kpi_field_unknown", sorted(unknown)[0])
    kpi = Kpi(id=new_record_id(), **values)  # type: ignore[arg-type]
    kpi = data.change(lambda records: store_kpi(records, kpi, usernames, people))
    data.audit.record(user, "kpi_created", kpi=kpi.id, code=kpi.code, **{
        name: value for name, value in _changes(None, kpi).items() if name != "code"})
    return kpi


def update_kpi(data: PerformanceData, user: str, kpi_id: str, values: Mapping[str, object],
               expected_revision: int | None = None,
               usernames: Collection[str] | None = None,
               people: Collection[str] | None = None) -> Kpi:
    """Change the editable fields in `values`; any change of the standard clears agreement.
    An owner set or changed must be one of `people` when given (owner_problem)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise KpiError("kpi_field_unknown", sorted(unknown)[0])

    def change(records: PerformanceRecords) -> tuple[Kpi, Kpi]:
        stored = _get(records, kpi_id)
        check_revision("kpi", kpi_id, stored.revision, expected_revision)
        return stored, store_kpi(records, replace(stored, **values),  # type: ignore[arg-type]
                                 usernames, people)

    before, kpi = data.change(change)
    if changed := _changes(before, kpi):
        data.audit.record(user, "kpi_changed", kpi=kpi_id, code=kpi.code,
                          agreement_cleared=before.agreed and not kpi.agreed, **changed)
    return kpi


def remove_kpi(data: PerformanceData, user: str, kpi_id: str) -> None:
    """Remove a KPI with its measurements and feedback; refused while KPIs are decomposed
    from it."""
    def change(records: PerformanceRecords) -> Kpi:
        kpi = _get(records, kpi_id)
        if children := kpi_children(records, kpi_id):
            raise KpiError("kpi_has_children", None, children=[c.code for c in children])
        if plans := _plans_naming(records, kpi_id):
            raise KpiError("kpi_in_plans", None, plans=plans)
        del records.kpis[kpi_id]
        records.measurements.pop(kpi_id, None)
        records.feedback.pop(kpi_id, None)
        return kpi

    kpi = data.change(change)
    data.audit.record(user, "kpi_removed", kpi=kpi_id, code=kpi.code)


def _plans_naming(records: PerformanceRecords, kpi_id: str) -> list[str]:
    """The titles of the improvement plans that start from this KPI or expect an effect on it:
    their Check would lose its figures."""
    return [plan.title for plan in records.plans.values()
            if plan.source_kpi == kpi_id or any(effect.kpi == kpi_id for effect in plan.effects)]


def accept_kpi(data: PerformanceData, user: str, kpi_id: str,
               expected_revision: int | None = None, now: str | None = None) -> Kpi:
    """The owner or the owner's superior accepts the KPI's standard as it stands (one person
    who is both accepts for both)."""
    now = now or utc_now()

    def change(records: PerformanceRecords) -> Kpi:
        kpi = _get(records, kpi_id)
        check_revision("kpi", kpi_id, kpi.revision, expected_revision)
        superior = superior_of(records, kpi)
        if not user or user not in (kpi.owner, superior):
            raise KpiError("kpi_not_party", None, user=user)
        accepted = kpi
        if user == kpi.owner:
            accepted = replace(accepted, agreed_by_owner_at=now)
        if user == superior:
            accepted = replace(accepted, agreed_by_superior_at=now, agreed_by_superior=user)
        accepted = replace(accepted, revision=kpi.revision + 1)
        records.kpis[kpi_id] = accepted
        return accepted

    kpi = data.change(change)
    data.audit.record(user, "kpi_accepted", kpi=kpi_id, code=kpi.code,
                      as_owner=user == kpi.owner, as_superior=kpi.agreed_by_superior == user)
    return kpi
