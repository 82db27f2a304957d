"""Units as a tree: create, rename, move (no cycles), remove only when empty; KPIs stay."""

from __future__ import annotations

import pytest

from assessor.kpis import create_kpi, remove_kpi
from assessor.performance import StaleRecord
from assessor.repositories import PerformanceData
from assessor.storage.store import Store
from assessor.units import (
    UnitError,
    UnitKind,
    create_unit,
    ensure_path,
    find_path,
    move_unit,
    remove_unit,
    unit_path,
    unit_tree,
    update_unit,
)


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


@pytest.fixture
def company(data: PerformanceData) -> str:
    return create_unit(data, "quality", "Test Works", None, head="ceo").id


def test_a_tree_of_company_departments_and_teams(data: PerformanceData, company: str) -> None:
    sales = create_unit(data, "quality", "Sales", company, mission="Sell", head="sam")
    east = create_unit(data, "quality", "East region", sales.id)
    post = create_unit(data, "quality", "Key accounts", east.id, kind="post")
    create_unit(data, "quality", "Finance", company)
    records = data.read()
    assert (sales.kind, east.kind, post.kind) == (UnitKind.DEPARTMENT, UnitKind.TEAM,
                                                  UnitKind.POST)
    assert [(unit.name, depth) for unit, depth in unit_tree(records)] == [
        ("Test Works", 0), ("Finance", 1), ("Sales", 1), ("East region", 2),
        ("Key accounts", 3)]
    assert unit_path(records, post.id) == "Sales/East region/Key accounts"
    assert unit_path(records, company) == ""
    assert find_path(records, "sales/EAST REGION") == east
    assert find_path(records, "Sales/West") is None
    assert records.units[sales.id].mission == "Sell" and records.units[sales.id].head == "sam"
    assert [e.action for e in data.audit.read().entries][-4:] == ["unit_created"] * 4


def test_one_company_only_and_every_other_unit_has_a_parent(data: PerformanceData,
                                                            company: str) -> None:
    with pytest.raises(UnitError) as refused:
        create_unit(data, "quality", "Another", None)
    assert refused.value.code == "unit_company_exists"
    with pytest.raises(UnitError) as refused:
        create_unit(data, "quality", "Sales", "nosuchunit00")
    assert refused.value.code == "unit_unknown"


@pytest.mark.parametrize(("name", "code"), [("  ", "unit_name_empty"),
                                            ("x" * 201, "unit_name_too_long"),
                                            ("Sales/East", "unit_name_has_separator")])
def test_bad_names_are_refused(data: PerformanceData, company: str, name: str,
                               code: str) -> None:
    with pytest.raises(UnitError) as refused:
        create_unit(data, "quality", name, company)
    assert refused.value.code == code
    assert len(data.read().units) == 1


def test_sibling_names_differ(data: PerformanceData, company: str) -> None:
    create_unit(data, "quality", "Sales", company)
    with pytest.raises(UnitError) as refused:
        create_unit(data, "quality", "sales", company)
    assert refused.value.code == "unit_name_taken"


def test_rename_and_move_keep_the_kpis(data: PerformanceData, company: str) -> None:
    sales = create_unit(data, "quality", "Sales", company)
    east = create_unit(data, "quality", "East", sales.id)
    ops = create_unit(data, "quality", "Operations", company)
    kpi = create_kpi(data, "quality", {"code": "S1", "name": "Orders", "unit": east.id})
    renamed = update_unit(data, "quality", east.id, name="East region", head="eve")
    assert renamed.revision == 2
    moved = move_unit(data, "quality", east.id, ops.id)
    records = data.read()
    assert unit_path(records, east.id) == "Operations/East region"
    assert moved.revision == 3
    assert records.kpis[kpi.id].unit == east.id
    actions = [e.action for e in data.audit.read().entries]
    assert actions[-2:] == ["unit_changed", "unit_moved"]


def test_a_move_below_itself_is_refused(data: PerformanceData, company: str) -> None:
    sales = create_unit(data, "quality", "Sales", company)
    east = create_unit(data, "quality", "East", sales.id)
    post = create_unit(data, "quality", "Desk", east.id)
    for target in (sales.id, east.id, post.id):
        with pytest.raises(UnitError) as refused:
            move_unit(data, "quality", sales.id, target)
        assert refused.value.code == "unit_cycle"
    with pytest.raises(UnitError) as refused:
        move_unit(data, "quality", company, sales.id)
    assert refused.value.code == "unit_company_fixed"
    assert data.read().units[sales.id].parent == company


def test_a_stale_edit_is_refused_and_the_newer_kept(data: PerformanceData,
                                                    company: str) -> None:
    sales = create_unit(data, "quality", "Sales", company)
    update_unit(data, "ann", sales.id, mission="Sell more", expected_revision=1)
    with pytest.raises(StaleRecord):
        update_unit(data, "bob", sales.id, mission="Sell less", expected_revision=1)
    assert data.read().units[sales.id].mission == "Sell more"


def test_only_an_empty_unit_is_removed(data: PerformanceData, company: str) -> None:
    sales = create_unit(data, "quality", "Sales", company)
    east = create_unit(data, "quality", "East", sales.id)
    kpi = create_kpi(data, "quality", {"code": "E1", "name": "Orders", "unit": east.id})
    with pytest.raises(UnitError) as refused:
        remove_unit(data, "quality", sales.id)
    assert refused.value.code == "unit_not_empty"
    assert refused.value.data["children"] == [east.id]
    with pytest.raises(UnitError) as refused:
        remove_unit(data, "quality", east.id)
    assert refused.value.data["kpis"] == ["E1"]
    assert kpi.id in data.read().kpis
    records = data.read()
    del records.kpis[kpi.id]  # a copy: the stored KPI stays
    assert kpi.id in data.read().kpis
    remove_kpi(data, "quality", kpi.id)
    remove_unit(data, "quality", east.id)
    remove_unit(data, "quality", sales.id)
    assert list(data.read().units) == [company]
    assert data.audit.read().entries[-1].action == "unit_removed"


def test_ensure_path_adds_the_missing_units_and_says_which(data: PerformanceData) -> None:
    unit, created = data.change(lambda r: ensure_path(r, "Sales/East region", "Test Works"))
    assert created == ["", "Sales", "Sales/East region"]
    again, created = data.change(lambda r: ensure_path(r, "sales/east region", "Test Works"))
    assert (again, created) == (unit, [])
    assert unit_path(data.read(), unit.id) == "Sales/East region"
