"""The KPI register: validation naming the field, decomposition without cycles, agreement,
measurements (one per period, replaced only when asked), feedback, status, attainment and
trajectory as the reference defines them, and who may do what."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from assessor.access import (
    ORG_RULES,
    OrgAction,
    OrgRole,
    may_accept_kpi,
    may_enter_measurements,
    may_reply_on_kpi,
    permits_in_organization,
)
from assessor.kpi_status import (
    Status,
    Trajectory,
    attainment,
    child_status_counts,
    needs_comment,
    point_statuses,
    read_kpi,
    status_of,
)
from assessor.kpis import (
    Direction,
    Frequency,
    Kpi,
    KpiError,
    accept_kpi,
    create_kpi,
    find_code,
    kpi_problems,
    kpi_tree,
    remove_kpi,
    superior_of,
    update_kpi,
)
from assessor.measurements import (
    Measurement,
    MeasurementError,
    add_measurement,
    add_measurements,
    explain_measurement,
    reply_on_kpi,
)
from assessor.performance import PerformanceRecords, StaleRecord
from assessor.plans import ExpectedEffect
from assessor.repositories import PerformanceData
from assessor.storage.store import Store
from assessor.strategy import Perspective, add_objective
from tests.factories import gen_kpi, gen_plan, gen_unit

TODAY = date(2026, 1, 1)
MANAGER, LEADER, MEMBER = (frozenset({OrgRole.MANAGER}), frozenset({OrgRole.LEADER}),
                           frozenset({OrgRole.MEMBER}))


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


def kpi(**values: object) -> Kpi:
    fields: dict[str, object] = {"id": "k1", "code": "K1", "name": "KPI", "baseline": 50.0,
                                 "target": 100.0, **values}
    return Kpi(**fields)  # type: ignore[arg-type]


def m(period: str, value: float, comment: str = "") -> Measurement:
    return Measurement("k1", period, value, comment)


# -- attainment, status, trajectory -------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected_attainment", "status"), [
    (100, 1.0, Status.GREEN), (110, 1.2, Status.GREEN), (95, 0.9, Status.AMBER),
    (94.5, 0.89, Status.RED), (50, 0.0, Status.RED), (40, -0.2, Status.RED)])
def test_up(value: float, expected_attainment: float, status: Status) -> None:
    assert attainment(kpi(), value) == pytest.approx(expected_attainment)
    assert status_of(kpi(), value) is status


@pytest.mark.parametrize(("value", "expected_attainment", "status"), [
    (5, 1.0, Status.GREEN), (4, 1.2, Status.GREEN), (5.5, 0.9, Status.AMBER),
    (6, 0.8, Status.RED), (12, -0.4, Status.RED)])
def test_down(value: float, expected_attainment: float, status: Status) -> None:
    down = kpi(direction=Direction.DOWN, baseline=10.0, target=5.0)
    assert attainment(down, value) == pytest.approx(expected_attainment)
    assert status_of(down, value) is status


def test_the_amber_level_is_the_kpis_own() -> None:
    assert status_of(kpi(amber=0.8), 92) is Status.AMBER
    assert status_of(kpi(amber=0.8), 89) is Status.RED
    assert status_of(kpi(amber=0.95), 98) is Status.AMBER
    assert status_of(kpi(amber=0.95), 97) is Status.RED


@pytest.mark.parametrize(("direction", "value", "status"), [
    (Direction.UP, 80, Status.GREEN), (Direction.UP, 81, Status.GREEN),
    (Direction.UP, 79.9, Status.RED), (Direction.DOWN, 80, Status.GREEN),
    (Direction.DOWN, 80.1, Status.RED)])
def test_hold_is_on_target_when_not_worse(direction: Direction, value: float,
                                          status: Status) -> None:
    hold = kpi(direction=direction, baseline=80.0, target=80.0)
    assert attainment(hold, value) is None
    assert status_of(hold, value) is status


@pytest.mark.parametrize(("value", "status"), [(1.0, Status.GREEN), (1.5, Status.GREEN),
                                               (2.0, Status.GREEN), (0.99, Status.RED),
                                               (2.01, Status.RED)])
def test_band(value: float, status: Status) -> None:
    band = kpi(direction=Direction.BAND, baseline=None, target=None, band_low=1.0,
               band_high=2.0)
    assert status_of(band, value) is status
    assert attainment(band, value) is None
    reading = read_kpi(band, [m("2025-06-30", value)], TODAY)
    assert (reading.status, reading.attainment, reading.trajectory) == (status, None, None)


def test_no_data() -> None:
    reading = read_kpi(kpi(), [], TODAY)
    assert (reading.status, reading.attainment, reading.trajectory, reading.latest) == (
        Status.NO_DATA, None, None, None)
    assert status_of(kpi(target=None), 70) is Status.NO_DATA  # nothing to judge by


def test_latest_is_the_latest_period_whatever_the_order_of_entry() -> None:
    entered = [m("2025-12-31", 70), m("2025-10-31", 120), m("2025-11-30", 96)]
    reading = read_kpi(kpi(), entered, TODAY)
    assert reading.latest == entered[0]
    assert reading.status is Status.RED and reading.attainment == pytest.approx(0.4)
    assert [(p.period, s) for p, s in point_statuses(kpi(), entered)] == [
        ("2025-10-31", Status.GREEN), ("2025-11-30", Status.AMBER), ("2025-12-31", Status.RED)]


def test_negative_attainment_is_not_capped() -> None:
    reading = read_kpi(kpi(), [m("2025-12-31", 30)], TODAY)
    assert reading.attainment == pytest.approx(-0.4) and reading.status is Status.RED


@pytest.mark.parametrize(("today", "value", "expected", "trajectory"), [
    (date(2025, 1, 1), 50, 0.0, Trajectory.ON_TRACK),  # at the baseline date
    (date(2025, 7, 2), 71.5, 0.5, Trajectory.ON_TRACK),  # 0.43 ≥ 0.85 × 0.5
    (date(2025, 7, 2), 70, 0.5, Trajectory.BEHIND),  # 0.40 < 0.425
    (date(2027, 6, 1), 95, 1.0, Trajectory.ON_TRACK),  # past the target date: expected 1
    (date(2027, 6, 1), 92, 1.0, Trajectory.BEHIND),
    (date(2024, 6, 1), 45, 0.0, Trajectory.BEHIND)])  # before the baseline, worse than it
def test_trajectory_runs_linearly_from_baseline_date_to_target_date(
        today: date, value: float, expected: float, trajectory: Trajectory) -> None:
    dated = kpi(baseline_date="2025-01-01", target_date="2026-01-01")
    reading = read_kpi(dated, [m("2025-06-30", value)], today)
    assert reading.expected_attainment == pytest.approx(expected, abs=0.002)
    assert reading.trajectory is trajectory


def test_no_trajectory_without_dates() -> None:
    assert read_kpi(kpi(), [m("2025-06-30", 60)], TODAY).trajectory is None
    assert read_kpi(kpi(baseline_date="2025-01-01"), [m("2025-06-30", 60)],
                    TODAY).trajectory is None


def test_red_and_amber_values_ask_for_a_comment() -> None:
    assert needs_comment(kpi(), m("2025-06-30", 95))
    assert needs_comment(kpi(), m("2025-06-30", 60))
    assert not needs_comment(kpi(), m("2025-06-30", 60, "Supplier late; second source"))
    assert not needs_comment(kpi(), m("2025-06-30", 100))


def test_on_the_way_to_a_dated_target_only_values_behind_the_trajectory_ask_for_one() -> None:
    dated = kpi(baseline_date="2025-01-01", target_date="2026-01-01")  # 50 -> 100 in a year
    # Mid-year about half the way is expected: 80 is on track (red against 100, no comment
    # needed), 60 is behind (a fifth of the way).
    assert not needs_comment(dated, m("2025-07-02", 80))
    assert needs_comment(dated, m("2025-07-02", 60))
    assert not needs_comment(dated, m("2024-12-31", 55))  # before the baseline: history
    assert needs_comment(dated, m("2026-06-30", 96))  # past the target date: amber counts


# -- the register -------------------------------------------------------------------------------

def test_a_kpi_with_every_field_is_stored_and_audited(store: Store, org: str,
                                                      data: PerformanceData) -> None:
    unit = gen_unit(store, org, "Sales")
    objective = add_objective(data, "quality", "Grow", Perspective.FINANCIAL)
    stored = create_kpi(data, "quality", {
        "code": "REV", "name": "Revenue", "definition": "Booked sales", "formula": "sum",
        "data_source": "ERP", "measure_unit": "万元", "direction": Direction.UP,
        "baseline": 100, "baseline_date": "2025-01-01", "target": 120,
        "target_date": "2026-12-31", "stretch": 130, "amber": 0.8,
        "frequency": Frequency.MONTHLY, "owner": "ann", "unit": unit.id,
        "perspective": Perspective.FINANCIAL, "objectives": (objective.id,),
        "items": ("4.7.4",), "comparison": 115, "comparison_source": "Industry 2025"},
        usernames={"ann"})
    assert data.read().kpis[stored.id] == stored
    assert stored.baseline == 100.0 and isinstance(stored.baseline, float)
    entry = data.audit.read().entries[-1]
    assert entry.action == "kpi_created" and entry.detail["code"] == "REV"
    assert entry.detail["target"] == 120.0 and "band_low" not in entry.detail


@pytest.mark.parametrize(("values", "code", "field"), [
    ({"code": ""}, "kpi_field_required", "code"),
    ({"name": "  "}, "kpi_field_required", "name"),
    ({"code": "a b"}, "kpi_code_invalid", "code"),
    ({"code": "taken"}, "kpi_code_taken", "code"),
    ({"target": "ten"}, "kpi_not_a_number", "target"),
    ({"baseline": float("nan")}, "kpi_not_a_number", "baseline"),
    ({"target_date": "2026-02-30"}, "kpi_date_invalid", "target_date"),
    ({"baseline_date": "1/1/2025"}, "kpi_date_invalid", "baseline_date"),
    ({"direction": "sideways"}, "kpi_choice_unknown", "direction"),
    ({"frequency": "hourly"}, "kpi_choice_unknown", "frequency"),
    ({"amber": 1.0}, "kpi_amber_out_of_range", "amber"),
    ({"direction": Direction.BAND, "band_low": 1.0}, "kpi_band_required", "band_high"),
    ({"direction": Direction.BAND, "band_low": 3.0, "band_high": 2.0}, "kpi_band_inverted",
     "band_high"),
    ({"band_low": 1.0}, "kpi_band_only", "band_low"),
    ({"stretch": 90.0}, "kpi_stretch_short", "stretch"),
    ({"unit": "nosuchunit00"}, "kpi_unknown_unit", "unit"),
    ({"owner": "nobody"}, "kpi_unknown_owner", "owner"),
    ({"parent": "nosuchkpi000"}, "kpi_unknown_parent", "parent"),
    ({"objectives": ("nosuchobj000",)}, "kpi_unknown_objective", "objectives"),
    ({"items": ("4.6.1",)}, "kpi_item_invalid", "items"),
])
def test_a_bad_field_is_refused_by_name(data: PerformanceData, values: dict, code: str,
                                        field: str) -> None:
    create_kpi(data, "quality", {"code": "TAKEN", "name": "first"})
    before = data.read()
    with pytest.raises(KpiError) as refused:
        create_kpi(data, "quality", {"code": "K2", "name": "KPI", "baseline": 50.0,
                                     "target": 100.0, **values}, usernames={"ann"})
    assert (refused.value.code, refused.value.field) == (code, field)
    assert data.read() == before


def test_every_problem_is_listed() -> None:
    problems = kpi_problems(PerformanceRecords(), kpi(code="", target="x", amber=2.0,
                                                      target_date="soon"))
    assert {(p.code, p.field) for p in problems} == {
        ("kpi_field_required", "code"), ("kpi_not_a_number", "target"),
        ("kpi_date_invalid", "target_date")}  # amber is judged once the numbers are numbers


def test_decomposition_tree_and_cycles_refused(store: Store, org: str,
                                               data: PerformanceData) -> None:
    company = gen_kpi(store, org, "C1")
    sales = gen_kpi(store, org, "D1", parent=company.id)
    east = gen_kpi(store, org, "T1", parent=sales.id)
    west = gen_kpi(store, org, "T2", parent=sales.id)
    gen_kpi(store, org, "C2")
    assert [(k.code, depth) for k, depth in kpi_tree(data.read())] == [
        ("C1", 0), ("D1", 1), ("T1", 2), ("T2", 2), ("C2", 0)]
    for parent in (company.id, east.id):
        with pytest.raises(KpiError) as refused:
            update_kpi(data, "quality", company.id, {"parent": parent})
        assert (refused.value.code, refused.value.field) == ("kpi_parent_cycle", "parent")
    add_measurement(data, "ann", east.id, "2025-12-31", 100)
    add_measurement(data, "ann", west.id, "2025-12-31", 60)
    counts = child_status_counts(data.read(), sales.id, TODAY)
    assert counts == {Status.GREEN: 1, Status.AMBER: 0, Status.RED: 1, Status.NO_DATA: 0}
    assert child_status_counts(data.read(), company.id, TODAY)[Status.NO_DATA] == 1
    with pytest.raises(KpiError) as refused:
        remove_kpi(data, "quality", sales.id)
    assert refused.value.code == "kpi_has_children"
    remove_kpi(data, "quality", east.id)
    records = data.read()
    assert east.id not in records.kpis and east.id not in records.measurements


def test_a_stale_edit_is_refused(store: Store, org: str, data: PerformanceData) -> None:
    stored = gen_kpi(store, org, "K1")
    update_kpi(data, "ann", stored.id, {"name": "Orders"}, expected_revision=stored.revision)
    with pytest.raises(StaleRecord):
        update_kpi(data, "bob", stored.id, {"name": "Sales"}, expected_revision=stored.revision)
    assert find_code(data.read(), "k1").name == "Orders"  # type: ignore[union-attr]


def test_agreement_by_owner_and_superior_and_cleared_by_a_new_standard(
        store: Store, org: str, data: PerformanceData) -> None:
    gen_unit(store, org, "", head="ceo")
    sales = gen_unit(store, org, "Sales", head="sam")
    east = gen_unit(store, org, "Sales/East")
    stored = gen_kpi(store, org, "E1", unit=east.id, owner="eve")
    assert superior_of(data.read(), stored) == "sam"
    assert superior_of(data.read(), gen_kpi(store, org, "S1", unit=sales.id)) == "ceo"
    assert superior_of(data.read(), gen_kpi(store, org, "C1")) == "ceo"
    with pytest.raises(KpiError) as refused:
        accept_kpi(data, "mallory", stored.id)
    assert refused.value.code == "kpi_not_party"
    accept_kpi(data, "eve", stored.id, now="2026-01-02T00:00:00+00:00")
    assert not data.read().kpis[stored.id].agreed
    agreed = accept_kpi(data, "sam", stored.id, now="2026-01-03T00:00:00+00:00")
    assert agreed.agreed and agreed.agreed_by_superior == "sam"
    renamed = update_kpi(data, "quality", stored.id, {"name": "East orders"})
    assert renamed.agreed  # the name is not the standard
    retargeted = update_kpi(data, "quality", stored.id, {"target": 120.0})
    assert not retargeted.agreed and retargeted.agreed_by_owner_at is None
    assert data.audit.read().entries[-1].detail["agreement_cleared"] is True
    accept_kpi(data, "eve", stored.id)
    accept_kpi(data, "sam", stored.id)
    redefined = update_kpi(data, "quality", stored.id, {"definition": "Orders booked"})
    assert not redefined.agreed


# -- measurements and feedback ------------------------------------------------------------------

def test_one_value_per_period_replaced_only_when_asked(store: Store, org: str,
                                                       data: PerformanceData) -> None:
    stored = gen_kpi(store, org, "K1")
    add_measurement(data, "ann", stored.id, "2025-06-30", 60, "Late supplier")
    with pytest.raises(MeasurementError) as refused:
        add_measurement(data, "ann", stored.id, "2025-06-30", 70)
    assert refused.value.code == "measurement_exists" and refused.value.data["value"] == 60
    assert data.read().measurements[stored.id]["2025-06-30"].value == 60
    add_measurement(data, "ann", stored.id, "2025-06-30", 70, replace_existing=True)
    assert data.read().measurements[stored.id]["2025-06-30"].value == 70
    assert data.audit.read().entries[-1].detail["replaced"] == 60


@pytest.mark.parametrize(("period", "value", "code"), [
    ("2025-13-01", 1, "measurement_period_invalid"), ("June", 1, "measurement_period_invalid"),
    ("2025-06-30", float("inf"), "measurement_value_invalid"),
    ("2025-06-30", "12", "measurement_value_invalid")])
def test_bad_measurements_are_refused(store: Store, org: str, data: PerformanceData,
                                      period: str, value: object, code: str) -> None:
    stored = gen_kpi(store, org, "K1")
    with pytest.raises(MeasurementError) as refused:
        add_measurement(data, "ann", stored.id, period, value)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert data.read().measurements == {}


def test_a_value_is_explained_and_the_superior_replies(store: Store, org: str,
                                                       data: PerformanceData) -> None:
    stored = gen_kpi(store, org, "K1")
    add_measurement(data, "ann", stored.id, "2025-06-30", 60)
    explained = explain_measurement(data, "ann", stored.id, "2025-06-30", "Supplier late")
    assert not needs_comment(stored, explained)
    reply_on_kpi(data, "sam", stored.id, "Find a second source", now="2025-07-02T08:00:00Z")
    reply_on_kpi(data, "ann", stored.id, "Done", now="2025-07-09T08:00:00Z")
    assert [(e.by, e.text, e.at) for e in data.read().feedback[stored.id]] == [
        ("sam", "Find a second source", "2025-07-02T08:00:00Z"),
        ("ann", "Done", "2025-07-09T08:00:00Z")]
    with pytest.raises(MeasurementError):
        reply_on_kpi(data, "sam", stored.id, "   ")
    assert [e.action for e in data.audit.read().entries][-3:] == [
        "measurement_explained", "kpi_feedback", "kpi_feedback"]


def test_two_threads_adding_measurements_lose_nothing(store: Store, org: str) -> None:
    stored = gen_kpi(store, org, "K1")
    barrier = threading.Barrier(2)

    def enter(year: int) -> None:
        data = Store(store.root).organization_data(org)  # as another request would
        barrier.wait()
        for month in range(1, 13):
            add_measurement(data, "ann", stored.id, f"{year}-{month:02d}-01", float(month))

    threads = [threading.Thread(target=enter, args=(year,)) for year in (2024, 2025)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.organization_data(org).read().measurements[stored.id]) == 24


def test_many_values_are_entered_in_one_change_or_none(store: Store, org: str,
                                                      data: PerformanceData) -> None:
    first, second = gen_kpi(store, org, "K1"), gen_kpi(store, org, "K2")
    history = [(first.id, f"2024-{month:02d}-28", float(month), "") for month in range(1, 13)]
    history.append((second.id, "2024-12-31", 7, "  Supplier late; second source found  "))
    stored = add_measurements(data, "ann", history, now="2025-01-05T08:00:00Z")
    assert len(stored) == 13 and all(m.entered_by == "ann" for m in stored)
    records = data.read()
    assert [m.value for m in records.measurements_of(first.id)] == [float(n) for n in
                                                                   range(1, 13)]
    assert records.measurements[second.id]["2024-12-31"].comment == \
        "Supplier late; second source found"
    entry = data.audit.read().entries[-1]
    assert entry.action == "measurements_entered"
    assert entry.detail["kpis"] == {first.id: 12, second.id: 1}
    assert entry.detail["periods"] == ["2024-01-28", "2024-12-31"]
    # One refused value (a stored period, a bad period, an unknown KPI) stores none of them.
    for refused, code in (((second.id, "2024-12-31", 8, ""), "measurement_exists"),
                          ((second.id, "December", 8, ""), "measurement_period_invalid"),
                          (("nokpi", "2025-01-31", 8, ""), "measurement_kpi_unknown")):
        with pytest.raises(MeasurementError) as error:
            add_measurements(data, "ann", [(first.id, "2025-01-31", 13, ""), refused])
        assert error.value.code == code
        assert "2025-01-31" not in data.read().measurements[first.id]
    add_measurements(data, "ann", [(second.id, "2024-12-31", 8, "")], replace_existing=True)
    assert data.read().measurements[second.id]["2024-12-31"].value == 8
    assert data.audit.read().entries[-1].detail["replaced"] == 1


# -- who may --------------------------------------------------------------------------------------

def test_managers_edit_and_everyone_in_the_organization_reads() -> None:
    for action in (OrgAction.EDIT_UNITS, OrgAction.EDIT_STRATEGY, OrgAction.EDIT_KPIS):
        assert ORG_RULES[action] == MANAGER
        assert not permits_in_organization(LEADER | MEMBER, action)
    for roles in (MANAGER, LEADER, MEMBER):
        assert permits_in_organization(roles, OrgAction.VIEW_PERFORMANCE)
    assert not permits_in_organization(frozenset(), OrgAction.VIEW_PERFORMANCE)


def test_owners_enter_their_own_kpis_values() -> None:
    owned = kpi(owner="ann")
    assert may_enter_measurements("ann", MEMBER, owned)
    assert may_enter_measurements("quality", MANAGER, owned)
    assert not may_enter_measurements("bob", LEADER | MEMBER, owned)
    assert not may_enter_measurements("", MEMBER, kpi(owner=""))


def test_owner_and_superior_accept_and_reply() -> None:
    owned = kpi(owner="ann")
    assert may_accept_kpi("ann", owned, "sam") and may_accept_kpi("sam", owned, "sam")
    assert not may_accept_kpi("quality", owned, "sam")  # a manager is no party to it
    assert not may_accept_kpi("", kpi(owner=""), "")
    assert may_reply_on_kpi("sam", frozenset(), owned, "sam")
    assert may_reply_on_kpi("boss", LEADER, owned, "sam")
    assert not may_reply_on_kpi("bob", MEMBER, owned, "sam")


def test_fields_the_register_keeps_cannot_be_given(store: Store, org: str,
                                                   data: PerformanceData) -> None:
    stored = gen_kpi(store, org, "K1")
    for values in ({"revision": 9}, {"agreed_by_owner_at": "2026-01-01"}, {"colour": "red"}):
        with pytest.raises(KpiError) as refused:
            update_kpi(data, "quality", stored.id, values)
        assert refused.value.code == "kpi_field_unknown"
    with pytest.raises(KpiError):
        create_kpi(data, "quality", {"code": "K2", "name": "n", "id": "mine"})
    assert data.read().kpis == {stored.id: stored}


def test_choices_given_as_text_are_stored_as_choices(data: PerformanceData) -> None:
    stored = create_kpi(data, "quality", {"code": "K1", "name": "n", "direction": "down",
                                          "frequency": "quarterly",
                                          "perspective": "internal_process"})
    assert (stored.direction, stored.frequency, stored.perspective) == (
        Direction.DOWN, Frequency.QUARTERLY, Perspective.INTERNAL_PROCESS)
    with pytest.raises(KpiError) as refused:
        update_kpi(data, "quality", stored.id, {"frequency": "hourly"})
    assert (refused.value.code, refused.value.field) == ("kpi_choice_unknown", "frequency")


def test_a_kpi_a_plan_expects_an_effect_on_is_not_removed(store: Store, org: str,
                                                         data: PerformanceData) -> None:
    kpi = gen_kpi(store, org, "K9")
    gen_plan(store, org, "Fewer returns", effects=[
        ExpectedEffect(kpi=kpi.id, now=5, expected=3, by="2026-12-31")])
    with pytest.raises(KpiError) as refused:
        remove_kpi(data, "quality", kpi.id)
    assert (refused.value.code, refused.value.data["plans"]) == ("kpi_in_plans",
                                                                 ["Fewer returns"])
    assert kpi.id in data.read().kpis


# -- the owner is one of the organization's people -----------------------------------------------
ACCOUNTS = {"ann", "bob", "cy", "outsider"}
PEOPLE = {"ann": frozenset({OrgRole.MANAGER}), "bob": frozenset({OrgRole.LEADER}),
          "cy": frozenset({OrgRole.MEMBER})}


@pytest.mark.parametrize("owner", ["ann", "bob", "cy", ""])
def test_an_owner_of_any_organization_role_or_none_is_taken(data: PerformanceData,
                                                            owner: str) -> None:
    stored = create_kpi(data, "ann", {"code": "K1", "name": "n", "owner": owner}, ACCOUNTS,
                        PEOPLE)
    assert stored.owner == owner


def test_an_owner_who_holds_no_role_in_the_organization_is_refused(data: PerformanceData
                                                                    ) -> None:
    # An account, but none of the organization's people: they could not open the KPI's
    # pages to enter its values.
    with pytest.raises(KpiError) as refused:
        create_kpi(data, "ann", {"code": "K1", "name": "n", "owner": "outsider"}, ACCOUNTS,
                   PEOPLE)
    assert (refused.value.code, refused.value.field, refused.value.data["value"]) == (
        "kpi_owner_not_member", "owner", "outsider")
    assert data.read().kpis == {}
    stored = create_kpi(data, "ann", {"code": "K1", "name": "n", "owner": "cy"}, ACCOUNTS,
                        PEOPLE)
    with pytest.raises(KpiError) as refused:
        update_kpi(data, "ann", stored.id, {"owner": "outsider"}, usernames=ACCOUNTS,
                   people=PEOPLE)
    assert refused.value.code == "kpi_owner_not_member"
    assert data.read().kpis[stored.id].owner == "cy"
    # No such account at all is said as such.
    problems = kpi_problems(data.read(), kpi(code="K2", owner="ghost"), ACCOUNTS, PEOPLE)
    assert [(p.code, p.field) for p in problems] == [("kpi_unknown_owner", "owner")]


def test_a_stored_owner_who_has_left_the_organization_stays_editable(data: PerformanceData
                                                                     ) -> None:
    # Stored before the rule, or before they lost their role: the KPI is read and edited as
    # ever; only setting or changing the owner asks for one of the organization's people.
    stored = create_kpi(data, "ann", {"code": "K1", "name": "n", "owner": "outsider"})
    assert kpi_problems(data.read(), stored, ACCOUNTS, PEOPLE) == []
    changed = update_kpi(data, "ann", stored.id, {"name": "renamed", "owner": "outsider"},
                         usernames=ACCOUNTS, people=PEOPLE)
    assert (changed.name, changed.owner) == ("renamed", "outsider")
    moved = update_kpi(data, "ann", stored.id, {"owner": "bob"}, usernames=ACCOUNTS,
                       people=PEOPLE)
    assert moved.owner == "bob"
    with pytest.raises(KpiError) as refused:  # and once changed, not back
        update_kpi(data, "ann", stored.id, {"owner": "outsider"}, usernames=ACCOUNTS,
                   people=PEOPLE)
    assert refused.value.code == "kpi_owner_not_member"
