"""What leaders look at first, and what each person has to do: the leadership dashboard of an
organization and "my work" across a person's organizations, for a given day.

The dashboard: plans waiting for approval, plans by state, overdue actions, KPIs red or behind
their trajectory, the five largest gaps of the latest scored cycle and its change since the
previous scored cycle (in total and by category). "My work": the actions assigned to me (the
overdue first), the plans I own or sponsor (and, for a leader, those to decide), the KPIs I own
whose measurement is due or whose red values still ask for a comment, the items I must write
(writer, writing phase, questions still unanswered) or score (examiner, independent review, entry
not submitted). Each entry carries the ids a link needs. Plain Python, read-only.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .access import OrgRole, Phase, Role
from .criteria import Framework
from .gaps import GapReport, GapStatus, GroupGap, ItemGap, cycle_gap_report
from .kpi_status import KpiReading, Status, Trajectory, read_kpi, status_of
from .kpis import Frequency, Kpi
from .measurements import Measurement
from .organizations import AssessmentRecord, Organization, cycles_by_organization
from .performance import PerformanceRecords
from .phases import current_phase
from .plan_queries import MyWork, PlanAndAction, my_work, overdue_actions, waiting_for_approval
from .plans import Plan, PlanState
from .repositories import AssessmentData, AssessmentIndex, OrganizationRepository
from .review import all_reviews
from .team import member as member_of

LARGEST_GAPS = 5
FrameworkOf = Callable[[str], Framework]


# -- the leadership dashboard -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KpiConcern:
    """A KPI that is red, or behind its trajectory (or both)."""

    kpi: Kpi
    reading: KpiReading

    @property
    def red(self) -> bool:
        return self.reading.status is Status.RED

    @property
    def behind(self) -> bool:
        return self.reading.trajectory is Trajectory.BEHIND


@dataclass(frozen=True, slots=True)
class CycleGaps:
    """The latest scored cycle: its largest gaps and its change since the previous one."""

    assessment: AssessmentRecord
    largest: tuple[ItemGap, ...]  # at most LARGEST_GAPS, largest first, each with a gap > 0
    total: GroupGap  # change_score_points / change_gap_points: None without an earlier cycle
    categories: tuple[GroupGap, ...]  # in framework order
    compared_with: str | None  # the previous scored cycle's name, if any
    compared_id: str | None


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: date
    waiting: tuple[Plan, ...]  # submitted, the longest waiting first
    by_state: tuple[tuple[PlanState, int], ...]  # every state in PDCA order, with its count
    overdue: tuple[PlanAndAction, ...]  # the oldest due first
    kpis: tuple[KpiConcern, ...]  # red first, then behind; by code
    gaps: CycleGaps | None  # None: no cycle of the organization has a consensus yet

    @property
    def plan_count(self) -> int:
        return sum(count for _, count in self.by_state)


def is_scored(data: AssessmentData) -> bool:
    """Whether the cycle has at least one consensus record (cached per data version)."""
    return data.derived("is_scored", lambda: bool(data.consensus.all()))


def latest_scored_cycle(assessments: AssessmentIndex, organization_id: str
                        ) -> AssessmentRecord | None:
    """The organization's newest cycle with a consensus; None if none has one."""
    cycles = cycles_by_organization(assessments.all()).get(organization_id, [])
    return next((record for record in cycles if is_scored(assessments.data(record.id))), None)


def cycle_gaps(report: GapReport, record: AssessmentRecord) -> CycleGaps:
    largest = tuple(row for row in report.items
                    if row.status is GapStatus.SCORED and row.gap_hundredths)[:LARGEST_GAPS]
    compared = report.compared_with
    return CycleGaps(record, largest, report.total, report.categories,
                     compared.cycle if compared else None, compared.id if compared else None)


def kpi_concerns(records: PerformanceRecords, today: date) -> list[KpiConcern]:
    """The KPIs red or behind their trajectory on `today`: the red first, then by code."""
    concerns = []
    for kpi in records.kpis.values():
        reading = read_kpi(kpi, records.measurements_of(kpi.id), today)
        if reading.status is Status.RED or reading.trajectory is Trajectory.BEHIND:
            concerns.append(KpiConcern(kpi, reading))
    return sorted(concerns, key=lambda c: (not c.red, c.kpi.code.casefold(), c.kpi.id))


def dashboard(records: PerformanceRecords, today: date,
              gaps: Callable[[], CycleGaps | None] = lambda: None) -> Dashboard:
    """The dashboard of an organization whose performance records these are; `gaps` gives its
    latest scored cycle's gaps (organization_gaps), kept apart so it can be cached on its own."""
    states = [plan.state for plan in records.plans.values()]
    return Dashboard(
        today=today, waiting=tuple(waiting_for_approval(records)),
        by_state=tuple((state, states.count(state)) for state in PlanState),
        overdue=tuple(overdue_actions(records, today)),
        kpis=tuple(kpi_concerns(records, today)), gaps=gaps())


def organization_gaps(assessments: AssessmentIndex, organization_id: str,
                      framework_of: FrameworkOf) -> CycleGaps | None:
    """The latest scored cycle's gaps, compared with the cycle scored before it."""
    record = latest_scored_cycle(assessments, organization_id)
    if record is None:
        return None
    return cycle_gaps(cycle_gap_report(assessments, record, framework_of(record.framework)),
                      record)


# -- when a KPI's measurement is due --------------------------------------------------------------
def last_complete_period(frequency: Frequency, today: date) -> tuple[date, date]:
    """The first and last day of the latest period of this frequency that ended before `today`
    (weeks run Monday to Sunday; months, quarters, halves and years by the calendar)."""
    if frequency is Frequency.WEEKLY:
        end = today - timedelta(days=today.isoweekday())
        return end - timedelta(days=6), end
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6,
              Frequency.YEARLY: 12}[frequency]
    # The period that holds today starts at this month index (months counted from year 0).
    current_start = (today.year * 12 + today.month - 1) // months * months
    start = current_start - months
    first = date(start // 12, start % 12 + 1, 1)
    last_month = start + months - 1
    year, month = last_month // 12, last_month % 12 + 1
    return first, date(year, month, calendar.monthrange(year, month)[1])


def due_period(kpi: Kpi, measurements: Iterable[Measurement], today: date
               ) -> tuple[date, date] | None:
    """The last complete period when the KPI has no value in it (its measurement is due);
    None when it has one, has no frequency, or the period ended before its baseline date."""
    if kpi.frequency is None:
        return None
    first, last = last_complete_period(kpi.frequency, today)
    if kpi.baseline_date and last < date.fromisoformat(kpi.baseline_date):
        return None
    if any(first.isoformat() <= m.period <= last.isoformat() for m in measurements):
        return None
    return first, last


# -- my work ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KpiDue:
    kpi: Kpi
    period_start: date
    period_end: date


@dataclass(frozen=True, slots=True)
class KpiUnexplained:
    kpi: Kpi
    periods: tuple[str, ...]  # its red values without a comment, oldest first


@dataclass(frozen=True, slots=True)
class SectionToWrite:
    section: str  # an item id, or the profile's id
    is_profile: bool
    unanswered: int
    questions: int


@dataclass(frozen=True, slots=True)
class CycleWork:
    assessment: AssessmentRecord
    phase: Phase
    to_write: tuple[SectionToWrite, ...]  # writing phase: my sections with questions unanswered
    to_score: tuple[str, ...]  # independent review: my items whose entry is not submitted


@dataclass(frozen=True, slots=True)
class OrganizationWork:
    organization: Organization
    roles: frozenset[OrgRole]
    plans: MyWork
    kpis_due: tuple[KpiDue, ...]
    kpis_unexplained: tuple[KpiUnexplained, ...]
    cycles: tuple[CycleWork, ...]

    @property
    def empty(self) -> bool:
        return not (self.plans.actions or self.plans.owned or self.plans.sponsored
                    or self.plans.to_decide or self.kpis_due or self.kpis_unexplained
                    or any(cycle.to_write or cycle.to_score for cycle in self.cycles))


def kpi_work(records: PerformanceRecords, username: str, today: date
             ) -> tuple[list[KpiDue], list[KpiUnexplained]]:
    """The KPIs this person owns whose measurement is due, and those whose red values have no
    comment yet; each by code."""
    due, unexplained = [], []
    owned = sorted((kpi for kpi in records.kpis.values() if username and kpi.owner == username),
                   key=lambda kpi: (kpi.code.casefold(), kpi.id))
    for kpi in owned:
        measurements = records.measurements_of(kpi.id)
        period = due_period(kpi, measurements, today)
        if period is not None:
            due.append(KpiDue(kpi, *period))
        red = tuple(m.period for m in measurements
                    if not m.comment.strip() and status_of(kpi, m.value) is Status.RED)
        if red:
            unexplained.append(KpiUnexplained(kpi, red))
    return due, unexplained


def overdue_first(work: MyWork) -> MyWork:
    """The actions overdue first (each group by due day, as my_work gives them)."""
    actions = sorted(work.actions, key=lambda pair: not pair.overdue)
    return MyWork(actions, work.owned, work.sponsored, work.to_decide)


def cycle_work(data: AssessmentData, record: AssessmentRecord, framework: Framework,
               username: str) -> CycleWork | None:
    """What this person must write or score in the cycle now; None without a role in it."""
    held = member_of(data, username)
    if held is None:
        return None
    phase = current_phase(data)
    to_write: list[SectionToWrite] = []
    to_score: list[str] = []
    if phase is Phase.WRITING and Role.WRITER in held.roles:
        answers = data.answers.all()
        assigned = held.assigned.get(Role.WRITER, frozenset())
        sections = ([(framework.profile.id, True,
                      [q for part in framework.profile.parts for q in part.questions])]
                    if framework.profile.id in assigned else [])
        sections += [(item.id, False, list(item.questions)) for item in framework.items
                     if item.id in assigned]
        for section, is_profile, questions in sections:
            open_questions = sum(not (q.id in answers and answers[q.id].is_answered)
                                 for q in questions)
            if open_questions:
                to_write.append(SectionToWrite(section, is_profile, open_questions,
                                               len(questions)))
    if phase is Phase.REVIEW and Role.EXAMINER in held.roles:
        assigned = held.assigned.get(Role.EXAMINER, frozenset())
        submitted = {review.item for review in all_reviews(data)
                     if review.examiner == username and review.submitted}
        to_score = [item.id for item in framework.items
                    if item.id in assigned and item.id not in submitted]
    return CycleWork(record, phase, tuple(to_write), tuple(to_score))


def my_work_everywhere(organizations: OrganizationRepository, assessments: AssessmentIndex,
                       username: str, today: date, framework_of: FrameworkOf,
                       ) -> list[OrganizationWork]:
    """This person's work in each organization where they hold a role or are on a cycle's
    team, organizations by name; the performance records read only where they hold a role."""
    cycles = cycles_by_organization(assessments.all())
    found = []
    for organization in sorted(organizations.all(), key=lambda o: (o.name.casefold(), o.id)):
        roles = organizations.members(organization.id).get(username, frozenset())
        cycle_rows = tuple(
            work for record in cycles.get(organization.id, [])
            if (work := cycle_work(assessments.data(record.id), record,
                                   framework_of(record.framework), username)) is not None)
        if not roles and not cycle_rows:
            continue
        if roles:
            records = organizations.performance(organization.id).read()
            plans = overdue_first(my_work(records, username, today,
                                          is_leader=OrgRole.LEADER in roles))
            due, unexplained = kpi_work(records, username, today)
        else:
            plans, due, unexplained = MyWork([], [], [], []), [], []
        found.append(OrganizationWork(organization, roles, plans, tuple(due),
                                      tuple(unexplained), cycle_rows))
    return found



def days_late(due: str | None, today: date) -> int:
    """How many days past its due day (YYYY-MM-DD) `today` is; 0 when not past or none."""
    return max(0, (today - date.fromisoformat(due)).days) if due else 0
