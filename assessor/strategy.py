"""An organization's strategy: mission, vision, values and horizon; strategic objectives in the
four balanced-scorecard perspectives, linked cause → effect (the strategy map).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from .clock import utc_now
from .errors import DomainError
from .organizations import may_name
from .performance import PerformanceRecords, check_revision, clean_text, new_record_id
from .repositories import PerformanceData

MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 4000
MAX_HORIZON_YEARS = 30


class Perspective(StrEnum):
    FINANCIAL = "financial"
    CUSTOMER = "customer"
    INTERNAL_PROCESS = "internal_process"
    LEARNING_GROWTH = "learning_growth"


# The strategy map's lanes from the bottom up: a cause sits in a lower lane than its effect.
PERSPECTIVES_BOTTOM_UP = (Perspective.LEARNING_GROWTH, Perspective.INTERNAL_PROCESS,
                          Perspective.CUSTOMER, Perspective.FINANCIAL)


class StrategyError(DomainError):
    """strategy_text_too_long (field, limit), strategy_horizon_invalid (horizon),
    objective_name_empty, objective_name_too_long (limit), objective_perspective_unknown
    (perspective), objective_unknown (objective), objective_in_use (objective, kpis),
    link_self (objective), link_duplicate (cause, effect), link_unknown (cause, effect),
    objective_owner_not_member (value: an owner set or changed to someone who holds no role in
    the organization; organizations.may_name)."""


@dataclass(frozen=True, slots=True)
class Strategy:
    mission: str = ""
    vision: str = ""
    values: tuple[str, ...] = ()
    horizon: int | None = None  # years
    revised_at: str = ""
    revised_by: str = ""
    revision: int = 0  # 0: never set

    def to_doc(self) -> dict:
        return {"mission": self.mission, "vision": self.vision, "values": list(self.values),
                "horizon": self.horizon, "revised_at": self.revised_at,
                "revised_by": self.revised_by, "revision": self.revision}

    @classmethod
    def from_doc(cls, doc: Mapping) -> Strategy:
        return cls(mission=doc.get("mission", ""), vision=doc.get("vision", ""),
                   values=tuple(doc.get("values", ())), horizon=doc.get("horizon"),
                   revised_at=doc.get("revised_at", ""), revised_by=doc.get("revised_by", ""),
                   revision=doc.get("revision", 1))


@dataclass(frozen=True, slots=True)
class Objective:
    id: str
    name: str
    perspective: Perspective
    owner: str = ""  # a username
    description: str = ""
    revision: int = 1

    def to_doc(self) -> dict:
        return {"id": self.id, "name": self.name, "perspective": self.perspective.value,
                "owner": self.owner, "description": self.description,
                "revision": self.revision}

    @classmethod
    def from_doc(cls, doc: Mapping) -> Objective:
        return cls(id=doc["id"], name=doc["name"], perspective=Perspective(doc["perspective"]),
                   owner=doc.get("owner", ""), description=doc.get("description", ""),
                   revision=doc.get("revision", 1))


@dataclass(frozen=True, slots=True)
class Link:
    """Achieving `cause` is expected to help achieve `effect`, for the reason in `hypothesis`."""

    cause: str
    effect: str
    hypothesis: str = ""

    def to_doc(self) -> dict:
        return {"cause": self.cause, "effect": self.effect, "hypothesis": self.hypothesis}

    @classmethod
    def from_doc(cls, doc: Mapping) -> Link:
        return cls(cause=doc["cause"], effect=doc["effect"],
                   hypothesis=doc.get("hypothesis", ""))


def strategy_of(records: PerformanceRecords) -> Strategy:
    return records.strategy or Strategy()


def perspective(value: Perspective | str) -> Perspective:
    try:
        return Perspective(value)
    except ValueError:
        raise StrategyError("objective_perspective_unknown", perspective=value) from None


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT_CHARS:
        raise StrategyError("strategy_text_too_long", field=field, limit=MAX_TEXT_CHARS)
    return value


def _owner(owner: str, people: Collection[str] | None, stored: str = "") -> str:
    owner = clean_text(owner)
    if not may_name(owner, people, stored):
        raise StrategyError("objective_owner_not_member", value=owner)
    return owner


def _objective_name(name: str) -> str:
    name = clean_text(name)
    if not name:
        raise StrategyError("objective_name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise StrategyError("objective_name_too_long", limit=MAX_NAME_CHARS)
    return name


def _objective(records: PerformanceRecords, objective_id: str) -> Objective:
    try:
        return records.objectives[objective_id]
    except KeyError:
        raise StrategyError("objective_unknown", objective=objective_id) from None


def set_strategy(data: PerformanceData, user: str, mission: str, vision: str,
                 values: Iterable[str], horizon: int | None,
                 expected_revision: int | None = None, now: str | None = None) -> Strategy:
    """Mission, vision, values (one per entry, blanks dropped) and horizon in years."""
    if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, int)
                                or not 1 <= horizon <= MAX_HORIZON_YEARS):
        raise StrategyError("strategy_horizon_invalid", horizon=horizon)
    cleaned = Strategy(mission=_text(mission, "mission"), vision=_text(vision, "vision"),
                       values=tuple(v for v in (clean_text(v) for v in values) if v),
                       horizon=horizon)
    for value in cleaned.values:
        _text(value, "values")

    def change(records: PerformanceRecords) -> Strategy:
        stored = strategy_of(records)
        check_revision("strategy", "", stored.revision, expected_revision)
        records.strategy = replace(cleaned, revised_at=now or utc_now(), revised_by=user,
                                   revision=stored.revision + 1)
        return records.strategy

    strategy = data.change(change)
    data.audit.record(user, "strategy_set", mission=strategy.mission, vision=strategy.vision,
                      values=list(strategy.values), horizon=strategy.horizon)
    return strategy


def add_objective(data: PerformanceData, user: str, name: str, perspective_: Perspective | str,
                  owner: str = "", description: str = "",
                  people: Collection[str] | None = None) -> Objective:
    """A new objective; its owner one of the organization's `people` when given."""
    objective = Objective(new_record_id(), _objective_name(name), perspective(perspective_),
                          _owner(owner, people), _text(description, "description"))

    def change(records: PerformanceRecords) -> Objective:
        records.objectives[objective.id] = objective
        return objective

    data.change(change)
    data.audit.record(user, "objective_created", objective=objective.id, name=objective.name,
                      perspective=objective.perspective.value, owner=objective.owner)
    return objective


def update_objective(data: PerformanceData, user: str, objective_id: str, *,
                     name: str | None = None, perspective_: Perspective | str | None = None,
                     owner: str | None = None, description: str | None = None,
                     expected_revision: int | None = None,
                     people: Collection[str] | None = None) -> Objective:
    """Change the fields given (None: unchanged; a new owner one of the organization's
    `people` when given)."""
    def change(records: PerformanceRecords) -> Objective:
        stored = _objective(records, objective_id)
        check_revision("objective", objective_id, stored.revision, expected_revision)
        changed = replace(
            stored, name=stored.name if name is None else _objective_name(name),
            perspective=stored.perspective if perspective_ is None else perspective(perspective_),
            owner=stored.owner if owner is None else _owner(owner, people, stored.owner),
            description=stored.description if description is None
            else _text(description, "description"))
        if changed != stored:
            changed = replace(changed, revision=stored.revision + 1)
            records.objectives[objective_id] = changed
        return changed

    objective = data.change(change)
    data.audit.record(user, "objective_changed", objective=objective_id, name=objective.name,
                      perspective=objective.perspective.value, owner=objective.owner)
    return objective


def remove_objective(data: PerformanceData, user: str, objective_id: str) -> None:
    """Remove an objective and its links; refused while KPIs name it (unlink them first)."""
    def change(records: PerformanceRecords) -> Objective:
        objective = _objective(records, objective_id)
        kpis = sorted(k.code for k in records.kpis.values() if objective_id in k.objectives)
        if kpis:
            raise StrategyError("objective_in_use", objective=objective_id, kpis=kpis)
        del records.objectives[objective_id]
        records.links[:] = [link for link in records.links
                            if objective_id not in (link.cause, link.effect)]
        return objective

    objective = data.change(change)
    data.audit.record(user, "objective_removed", objective=objective_id, name=objective.name)


def link_objectives(data: PerformanceData, user: str, cause: str, effect: str,
                    hypothesis: str = "") -> Link:
    """A cause → effect link between two objectives, with the hypothesis in words."""
    link = Link(cause, effect, _text(hypothesis, "hypothesis"))

    def change(records: PerformanceRecords) -> Link:
        if cause not in records.objectives or effect not in records.objectives:
            raise StrategyError("link_unknown", cause=cause, effect=effect)
        if cause == effect:
            raise StrategyError("link_self", objective=cause)
        if any((other.cause, other.effect) == (cause, effect) for other in records.links):
            raise StrategyError("link_duplicate", cause=cause, effect=effect)
        records.links.append(link)
        return link

    data.change(change)
    data.audit.record(user, "objectives_linked", cause=cause, effect=effect,
                      hypothesis=link.hypothesis)
    return link


def unlink_objectives(data: PerformanceData, user: str, cause: str, effect: str) -> None:
    def change(records: PerformanceRecords) -> None:
        kept = [link for link in records.links if (link.cause, link.effect) != (cause, effect)]
        if len(kept) == len(records.links):
            raise StrategyError("link_unknown", cause=cause, effect=effect)
        records.links[:] = kept

    data.change(change)
    data.audit.record(user, "objectives_unlinked", cause=cause, effect=effect)
