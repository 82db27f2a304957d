"""Targets: the score (a percentage of an item's points) an organization aims for per item and
cycle. Set all items at once, then adjust any item; each call is validated as a whole and stored
whole or not at all. Targets can be set in any phase; every change is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .clock import utc_now
from .criteria import Framework
from .errors import DomainError
from .repositories import AssessmentData

TARGET_STEP = 5  # targets are set in 5% steps, like scores
RATIONALE_LIMIT = 500  # characters: a reason in a sentence or two, not an essay


class TargetError(DomainError):
    """A target that cannot be stored: target_unknown_item (item), target_out_of_range (item,
    target), target_off_step (item, target, step), target_none_given,
    target_rationale_without_target (item), target_rationale_too_long (item, limit). `item`
    is None for the value given to all items."""


@dataclass(frozen=True, slots=True)
class ItemTarget:
    item: str
    target_pct: int
    set_by: str
    set_at: str
    rationale: str = ""

    def to_doc(self) -> dict:
        return {"item": self.item, "target_pct": self.target_pct, "set_by": self.set_by,
                "set_at": self.set_at, "rationale": self.rationale}

    @classmethod
    def from_doc(cls, doc: Mapping) -> ItemTarget:
        return cls(item=doc["item"], target_pct=doc["target_pct"],
                   set_by=doc.get("set_by", ""), set_at=doc.get("set_at", ""),
                   rationale=doc.get("rationale", ""))


def check_target(target: object, item: str | None) -> int:
    """The target as a whole percentage, or TargetError naming the entry (`item`, None: all)."""
    if isinstance(target, bool) or not isinstance(target, int):
        raise TargetError("target_off_step", item=item, target=target, step=TARGET_STEP)
    if not 0 <= target <= 100:
        raise TargetError("target_out_of_range", item=item, target=target)
    if target % TARGET_STEP:
        raise TargetError("target_off_step", item=item, target=target, step=TARGET_STEP)
    return target


def targets_of(data: AssessmentData) -> dict[str, ItemTarget]:
    """The stored targets, by item id."""
    return dict(data.targets.all())


def set_targets(data: AssessmentData, framework: Framework, user: str,
                all_items: int | None = None, items: Mapping[str, int] | None = None,
                rationales: Mapping[str, str] | None = None,
                now: str | None = None) -> dict[str, ItemTarget]:
    """Set every item of the framework to `all_items` (when given), then the items of `items`
    to theirs, with the rationales of `rationales` (by item). Any bad entry refuses the whole
    call (TargetError naming it) and nothing is stored. An item set again to the same target
    keeps its rationale unless a new one is given, and its record (who set it, when) unless
    something changed. Returns every stored target."""
    items = dict(items or {})
    rationales = dict(rationales or {})
    if all_items is None and not items:
        raise TargetError("target_none_given")
    known = {item.id for item in framework.items}
    if all_items is not None:
        check_target(all_items, None)
    for item_id, target in items.items():
        if item_id not in known:
            raise TargetError("target_unknown_item", item=item_id)
        check_target(target, item_id)
    for item_id in rationales:
        if item_id not in known:
            raise TargetError("target_unknown_item", item=item_id)
        if all_items is None and item_id not in items:
            raise TargetError("target_rationale_without_target", item=item_id)
        if len(rationales[item_id]) > RATIONALE_LIMIT:
            raise TargetError("target_rationale_too_long", item=item_id, limit=RATIONALE_LIMIT)
    now = now or utc_now()
    wanted = {item.id: all_items for item in framework.items} if all_items is not None else {}
    wanted.update(items)

    def change(stored: Mapping[str, ItemTarget]) -> dict[str, ItemTarget]:
        result = dict(stored)
        for item_id, target in wanted.items():
            kept = stored.get(item_id)
            if item_id in rationales:
                rationale = " ".join(rationales[item_id].split())
            else:  # the reason stays with an unchanged target, and goes when it changes
                rationale = kept.rationale if kept and kept.target_pct == target else ""
            if kept and (kept.target_pct, kept.rationale) == (target, rationale):
                continue
            result[item_id] = ItemTarget(item_id, target, user, now, rationale)
        return result

    stored = data.targets.change(change)
    data.audit.record(user, "targets_set", all=all_items,
                      items={item_id: items[item_id] for item_id in sorted(items)})
    return stored


def copy_targets(from_data: AssessmentData, to_data: AssessmentData,
                 user: str = "") -> dict[str, ItemTarget]:
    """Give `to_data` the targets of `from_data` (a new cycle starts from the previous one's),
    replacing any it had; the records keep who set them, when and why. Audited in `to_data`."""
    copied = dict(from_data.targets.all())
    stored = to_data.targets.change(lambda current: copied)
    to_data.audit.record(user, "targets_copied", from_assessment=from_data.id,
                         items={item_id: copied[item_id].target_pct
                                for item_id in sorted(copied)})
    return stored


def changed_entries(stored: Mapping[str, ItemTarget], items: Mapping[str, object],
                    rationales: Mapping[str, str]
                    ) -> tuple[dict[str, object], dict[str, str]]:
    """Of a whole table of targets and rationales as sent (every item, say), the entries that
    differ from what is stored: what `set_targets` is then given, so the audit trail names
    only what changed. An item whose rationale alone changed is sent with its target."""
    changed_items: dict[str, object] = {}
    changed_rationales: dict[str, str] = {}
    for item_id, target in items.items():
        kept = stored.get(item_id)
        rationale = " ".join(rationales.get(item_id, "").split())
        if kept is None or kept.target_pct != target or kept.rationale != rationale:
            changed_items[item_id] = target
            if rationale or (kept and kept.rationale):
                changed_rationales[item_id] = rationale
    return changed_items, changed_rationales
