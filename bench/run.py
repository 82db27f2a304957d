"""assessor's benchmark: python bench/run.py prints one `name: value` line per figure.

save_answer_ratio    median time of the app's save-answer request (through the WSGI app, signed in
                     as the coordinator, on an assessment with every question answered at ~1 KB)
                     / median time of a bare Flask request doing one atomic JSON write of a
                     document of the same size.
                     Both requests post the same item form and read it (a save cannot skip
                     receiving what it saves); the bare one then writes the document with
                     temp file, fsync, os.replace and folder fsync, serialized by the
                     standard library's json (the store writes the same bytes with orjson).
                     Target <= 1.5.
write_scaling_ratio  median save-answer time with 1000 assessments in the data folder / the same
                     with only one. Target <= 1.2.
consensus_ratio      median time of the consensus overview (GET, through the WSGI app, signed in
                     as the coordinator) of an assessment with 10 examiners x 23 items, all
                     submitted with notes and statements, consensus on 20 items / median time of
                     rendering a table of the same size (23 rows x 16 columns of links and
                     formatted numbers) with a bare jinja2.Template compiled once from a string.
                     Target <= 3.
answers_page_ratio   median time of the read-all-answers page (GET, signed in) of an assessment
                     with every question answered at ~1 KB / median time of a bare
                     jinja2.Template that writes the same answers' HTML (already rendered) under
                     a heading each. Target <= 3.
gap_report_ratio     median time of the gap report page (GET, signed in as the coordinator) of
                     the consensus_ratio assessment with targets on every item and an earlier
                     scored cycle of the same organization / median time of a bare
                     jinja2.Template, compiled once, that writes the page's tables (categories
                     and subtotals, items largest gap first) and each item's strengths and OFIs
                     from figures computed beforehand. Target <= 3.
dashboard_ratio      median time of the leadership dashboard (GET, signed in as a leader of the
                     organization) of an organization with 50 plans (every state, three actions
                     each, some overdue), 100 KPIs with 24 monthly values each (some red or
                     behind) and the gap_report_ratio cycles (a scored cycle and an earlier one)
                     / median time of a bare jinja2.Template, compiled once, that writes the same
                     figures, tables and links from the dashboard computed beforehand.
                     Target <= 3.
kpi_register_ratio   median time of the KPI register page (GET, signed in as a manager of the
                     organization) of an organization with 100 KPIs in a three-level tree (10
                     company KPIs, 3 department KPIs under each, 2 team KPIs under those), every
                     field of their standard filled and 36 monthly values each, some ending amber
                     or red / median time of a bare jinja2.Template, compiled once, that writes a
                     table of the same rows and cells (code linked, name with the children's
                     status counts, status, latest value with its unit and period, target,
                     attainment, trajectory, unit, owner, perspective, five SMART badges with
                     their titles) from the register's rows computed beforehand. Target <= 3.
demo_load_seconds    seconds load_demo takes to load the demo organizations into a new, empty
                     data folder, as the first `assessor serve` does (production password
                     hashing included): the median of DEMO_ROUNDS loads, each into a folder of
                     its own. An absolute time (it follows the machine and its disk); before
                     the demo was staged (storage/staging.py) it made some 1,800 fsyncs.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jinja2
from flask import Flask, request
from flask.testing import FlaskClient

from assessor import create_app
from assessor.access import OrgRole, Phase, Role
from assessor.answers import AnswerEdit, save_answers
from assessor.charts import bar_chart
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.dashboard import dashboard, days_late, organization_gaps
from assessor.demo import load_demo
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.gaps import cycle_gap_report
from assessor.kpi_register import register_rows
from assessor.kpi_status import Status, status_of
from assessor.kpis import Direction, Frequency, Kpi, store_kpi
from assessor.measurements import Measurement, put_measurement
from assessor.organizations import create_organization
from assessor.paths import framework_named
from assessor.performance import PerformanceRecords
from assessor.phases import move_to
from assessor.plans import Decision, Plan, PlanAction, PlanState
from assessor.rendering import render_markdown
from assessor.review import Review, submit
from assessor.statements import Statement
from assessor.storage.files import sync_data
from assessor.strategy import Objective, Perspective
from assessor.targets import set_targets
from assessor.team import add_role, assign
from assessor.units import add_unit

FRAMEWORK = "gbt19580-2012.yaml"
ITEM = "4.1.2"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
ASSESSMENTS = 1000
EXAMINERS = 10
CONSENSUS_ITEMS = 20  # of 23: the meeting is nearly done
NOW = "2026-01-01T00:00:00+00:00"
COORDINATOR, PASSWORD = "quality", "bench password 1"
DEMO_ROUNDS = int(os.environ.get("BENCH_DEMO_ROUNDS", "3"))


def answer_text(seed: int) -> str:
    """About 1 KB of mixed Chinese and English Markdown."""
    line = f"- 第{seed}条：we review this monthly with every plant manager and record actions.\n"
    return (line * (1024 // len(line.encode()) + 1))[:700]


def app_with_assessment(data_dir: Path) -> tuple[Flask, str]:
    """An app with one assessment, coordinated by COORDINATOR."""
    app = create_app({"SECRET_KEY": "bench", "DATA_DIR": str(data_dir)})
    store = app.extensions[STORE_KEY]
    organization = create_organization(store.organizations, "Bench Co.")
    record = store.assessments.create(organization.id, "2026", FRAMEWORK, NOW)
    app.extensions[USERS_KEY].create(COORDINATOR, "Quality Manager", PASSWORD)
    add_role(app.extensions[STORE_KEY].assessment_data(record.id), COORDINATOR,
             Role.COORDINATOR)
    return app, record.id


def signed_in_client(app: Flask) -> FlaskClient:
    """A client signed in as COORDINATOR through the sign-in form (CSRF token and all)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": COORDINATOR, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def answered_app(data_dir: Path) -> tuple[Flask, str]:
    """An app whose one assessment has every question answered at ~1 KB."""
    app, assessment_id = app_with_assessment(data_dir)
    edits = [AnswerEdit(q.id, answer_text(i), 0)
             for i, q in enumerate(framework_named(FRAMEWORK).iter_questions())]
    save_answers(app.extensions[STORE_KEY].assessment_data(assessment_id), edits, now=NOW)
    return app, assessment_id


def add_empty_assessments(app: Flask, count: int) -> None:
    store = app.extensions[STORE_KEY]
    organization = create_organization(store.organizations, "Many Cycles Co.")
    for n in range(count):
        store.assessments.create(organization.id, f"{2026 + n}", FRAMEWORK, NOW)


class SaveRequest:
    """Posts the item form as a browser would (CSRF token, revisions), one answer changed."""

    def __init__(self, app: Flask, assessment_id: str) -> None:
        self.client = signed_in_client(app)
        self.url = f"/a/{assessment_id}/items/{ITEM}"
        self.count = 0

    def form(self) -> dict[str, str]:
        page = self.client.get(self.url).get_data(as_text=True)
        fields = dict(re.findall(r'name="((?:revision_|csrf_token)[^"]*)" type="hidden" '
                                 r'value="([^"]*)"', page))
        for name, text in re.findall(
                r'<textarea[^>]*name="(answer_[^"]+)"[^>]*>\r?\n?(.*?)</textarea>', page, re.S):
            fields[name] = text
        return fields

    def prepare(self) -> dict[str, str]:
        data = self.form()
        self.count += 1
        data["answer_4_1_2_a"] = answer_text(self.count)
        return data

    def __call__(self, data: dict[str, str]) -> None:
        response = self.client.post(self.url, data=data)
        # Saved: back to the page (a redirect to sign-in would time nothing worth knowing).
        assert response.headers.get("Location") == self.url, response.headers.get("Location")


def bare_write_app(folder: Path, document: dict) -> Flask:
    """The baseline: a bare Flask app whose one route writes the document atomically."""
    app = Flask("bare")
    target = folder / "document.json"

    @app.post("/write")
    def write():  # type: ignore[no-untyped-def]
        document["posted"] = request.form.to_dict()
        # The same bytes as the store writes, serialized as a bare app would: with the
        # standard library (the store uses orjson, some 30 times faster: storage/files.py).
        payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        fd, tmp = tempfile.mkstemp(dir=folder)
        with os.fdopen(fd, "wb") as file:
            file.write(payload)
            file.flush()
            sync_data(file.fileno())  # as the store syncs a written file
        os.replace(tmp, target)
        dir_fd = os.open(folder, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)
        return "", 204

    return app


def consensus_app(data_dir: Path) -> tuple[Flask, str]:
    """An app whose one assessment is in consensus: every examiner submitted every item."""
    app, assessment_id = app_with_assessment(data_dir)
    data_file = app.extensions[STORE_KEY].assessment_data(assessment_id)
    framework = framework_named(FRAMEWORK)
    move_to(data_file, Phase.REVIEW)
    step = framework.scoring.step
    for n in range(EXAMINERS):
        examiner = f"examiner{n}"
        add_role(data_file, examiner, Role.EXAMINER)
        assign(data_file, examiner, Role.EXAMINER, [item.id for item in framework.items])
        for i, item in enumerate(framework.items):
            spread = 7 if i % 5 == 0 else 4  # every fifth item's scores span 30: flagged
            submit(data_file, Review(
                item=item.id, examiner=examiner, score=30 + 5 * (i % 8) + 5 * (n % spread),
                notes={d.id: answer_text(i)[:300]
                       for d in framework.scoring.guidelines[item.kind].dimensions},
                strengths=(Statement(f"Strength {i}.{n}: monthly reviews", ("K1",)),) * 3,
                ofis=(Statement(f"OFI {i}.{n}: no trend data yet"),) * 3), step, NOW)
    move_to(data_file, Phase.CONSENSUS)
    for item in framework.items[:CONSENSUS_ITEMS]:
        record_consensus(data_file, ConsensusRecord(
            item.id, 50, "agreed after discussion", (Statement("Monthly reviews"),),
            (Statement("No trend data"),), COORDINATOR, NOW), step)
    return app, assessment_id


def gap_report_app(data_dir: Path) -> tuple[Flask, str]:
    """The consensus app's assessment with targets, and an earlier scored cycle (every item
    in consensus, with targets) of the same organization."""
    app, assessment_id = consensus_app(data_dir)
    store = app.extensions[STORE_KEY]
    framework = framework_named(FRAMEWORK)
    record = store.assessments.get(assessment_id)
    set_targets(store.assessment_data(assessment_id), framework, COORDINATOR, all_items=60,
                items={item.id: 70 for item in framework.items[::4]})
    earlier = store.assessments.create(record.organization_id, "2025", FRAMEWORK,
                                       "2025-01-01T00:00:00+00:00")
    earlier_data = store.assessment_data(earlier.id)
    set_targets(earlier_data, framework, COORDINATOR, all_items=50)
    move_to(earlier_data, Phase.REVIEW)
    move_to(earlier_data, Phase.CONSENSUS)
    for i, item in enumerate(framework.items):
        record_consensus(earlier_data, ConsensusRecord(
            item.id, 30 + 5 * (i % 5), "agreed", (Statement("Monthly reviews"),),
            (Statement("No trend data"),), COORDINATOR, NOW), framework.scoring.step)
    return app, assessment_id


BARE_GAP_PAGE = jinja2.Template(
    "<main><h1>{{ title }}</h1><table><tbody>{% for row in categories %}<tr><th>{{ row.title }}"
    "</th>{% for value in row.figures %}<td class=\"num\">{{ '%g'|format(value) }}</td>"
    "{% endfor %}</tr>{% endfor %}</tbody></table><table><tbody>{% for row in items %}<tr><th>"
    "<a href=\"#{{ row.id }}\">{{ row.id }}</a> {{ row.title }}</th>{% for value in "
    "row.figures %}<td class=\"num\">{{ '%g'|format(value) }}</td>{% endfor %}</tr>"
    "{% endfor %}</tbody></table>{% for row in items %}<article id=\"{{ row.id }}\"><h3>"
    "{{ row.title }}</h3><ul>{% for statement in row.statements %}<li><a href=\"{{ row.url }}"
    "#s-{{ statement.id }}\">{{ statement.id }}</a> {{ statement.text }}{% for tag in "
    "statement.key_factors %} <abbr>{{ tag }}</abbr>{% endfor %}</li>{% endfor %}</ul>"
    "</article>{% endfor %}</main>", autoescape=True)


def bare_gap_render(app: Flask, assessment_id: str) -> Callable[[], str]:
    """The gap page's tables (a cell for each of the page's) and each item's statements with
    their ids, links and tags, from figures computed once, outside the timing."""
    store = app.extensions[STORE_KEY]
    framework = framework_named(FRAMEWORK)
    report = cycle_gap_report(store.assessments, store.assessments.get(assessment_id),
                              framework)
    records = store.assessment_data(assessment_id).consensus.all()

    def figures(row: object, *extra: float | None) -> list[float]:
        return [value or 0 for value in (
            row.points, row.score_points, row.target_points, row.gap_points,
            row.change_score_points if hasattr(row, "change_score_points")
            else row.change_score_pct, row.change_gap_points, *extra)]

    groups = [*report.categories, report.process, report.results, report.total]
    categories = [{"title": group.id, "figures": figures(group, group.score_points,
                                                          group.target_points)}
                  for group in groups]
    items = [{"id": row.item, "title": framework.item(row.item).title.zh,
              "url": f"/a/{assessment_id}/consensus/items/{row.item}",
              "figures": figures(row, row.cumulative_share, row.score_pct, row.target_pct),
              "statements": (records[row.item].ofis + records[row.item].strengths)
              if row.item in records else ()} for row in report.items]
    return lambda: BARE_GAP_PAGE.render(title="Gap report", categories=categories,
                                        items=items)


BARE_TABLE = jinja2.Template(
    "<table><thead><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>"
    "{% for row in rows %}<tr><th><a href=\"{{ row.url }}\">{{ row.title }}</a></th>"
    "{% for value in row.figures %}<td class=\"num\">{{ '%.1f'|format(value) }}</td>"
    "{% endfor %}</tr>{% endfor %}</tbody></table>", autoescape=True)


# The consensus table's size: 23 items x (item, kind, points, 10 examiners, mean, median,
# range, std dev, consensus, points earned) = 19 columns.
TABLE_COLUMNS = 3 + EXAMINERS + 6


def bare_table_render() -> str:
    """The baseline: the same number of cells, links and formatted numbers, no app around it."""
    rows = [{"url": f"/items/{i}", "title": f"Item {i} 高层领导的作用",
             "figures": [50.0 + j for j in range(TABLE_COLUMNS - 1)]} for i in range(23)]
    return BARE_TABLE.render(header=[f"c{j}" for j in range(TABLE_COLUMNS)], rows=rows)


def bare_answers_render(document: dict) -> Callable[[], str]:
    """The answers' HTML under a heading each, from a template compiled once."""
    template = jinja2.Template(
        "<main>{% for question, html in answers %}<section><h3>{{ question }}</h3>"
        "<div>{{ html }}</div></section>{% endfor %}</main>", autoescape=True)
    answers = [(doc["question"], render_markdown(doc["text"]))
               for doc in document["answers"].values()]
    return lambda: template.render(answers=answers)


DASHBOARD_PLANS, DASHBOARD_KPIS, KPI_VALUES = 50, 100, 24


def month_ends(before: date, count: int) -> list[date]:
    """The last days of the `count` months before the month of `before`, oldest first."""
    ends, day = [], before.replace(day=1)
    for _ in range(count):
        day -= timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return ends[::-1]


def dashboard_records(today: date) -> Callable[[PerformanceRecords], None]:
    """50 plans (every state in turn, three actions each, the first due a month ago) and 100
    monthly KPIs with 24 values each (every fifth red, every seventh behind its trajectory)."""
    states = list(PlanState)
    path = [PlanState.DRAFT, PlanState.SUBMITTED, PlanState.APPROVED, PlanState.DOING,
            PlanState.CHECKING, PlanState.CLOSED]
    periods = month_ends(today, KPI_VALUES)

    def put(records: PerformanceRecords) -> None:
        for n in range(DASHBOARD_PLANS):
            state = states[n % len(states)]
            steps = path[:path.index(state) + 1] if state in path else [*path[:-1], state]
            decisions = tuple(Decision(COORDINATOR, f"2026-01-{1 + i:02d}T09:00:00+00:00",
                                       before, after)
                              for i, (before, after) in enumerate(pairwise(steps)))
            actions = tuple(PlanAction(f"A{i + 1}", f"Step {i + 1} of plan {n}: 标准化作业",
                                       f"owner{n % 7}",
                                       (today + timedelta(days=30 * i - 30)).isoformat())
                            for i in range(3))
            plan_id = f"p{n:03d}"
            records.plans[plan_id] = Plan(
                plan_id, f"Plan {n}: 缩短交付周期", "Halve the lead time", f"owner{n % 7}",
                COORDINATOR, state, actions=actions, decisions=decisions,
                created_by=COORDINATOR, created_at=f"2026-01-01T{n % 24:02d}:00:00+00:00")
        for n in range(DASHBOARD_KPIS):
            kpi_id = f"k{n:03d}"
            records.kpis[kpi_id] = Kpi(
                kpi_id, f"K{n:03d}", f"KPI {n} 准时交付率", baseline=50.0,
                baseline_date=periods[0].isoformat(), target=100.0,
                target_date=(today + timedelta(days=365)).isoformat(),
                frequency=Frequency.MONTHLY, owner=f"owner{n % 7}", measure_unit="%")
            last = 55.0 if n % 5 == 0 else 62.0 if n % 7 == 0 else 98.0
            records.measurements[kpi_id] = {
                period.isoformat(): Measurement(kpi_id, period.isoformat(),
                                                50 + (last - 50) * (i + 1) / KPI_VALUES)
                for i, period in enumerate(periods)}

    return put


def dashboard_app(app: Flask, assessment_id: str) -> str:
    """The gap report app's organization with the dashboard's plans and KPIs, and COORDINATOR
    one of its leaders; returns the organization's id."""
    store = app.extensions[STORE_KEY]
    organization_id = store.assessments.get(assessment_id).organization_id
    store.organizations.add_member(organization_id, COORDINATOR, OrgRole.LEADER)
    store.organization_data(organization_id).change(dashboard_records(date.today()))
    return organization_id


BARE_DASHBOARD = jinja2.Template(
    "<main><h1>{{ title }}</h1><dl>{% for name, value in figures %}<dt>{{ name }}</dt><dd>"
    "<a href=\"#{{ name }}\">{{ value }}</a></dd>{% endfor %}</dl><figure><div data-chart=\""
    "{{ chart|tojson|forceescape }}\"></div></figure>{% for table in tables %}"
    "<h2>{{ table.title }}</h2><table><thead><tr>{% for name in table.header %}<th>{{ name }}"
    "</th>{% endfor %}</tr></thead><tbody>{% for row in table.rows %}<tr><th><a href=\""
    "{{ row.url }}\">{{ row.title }}</a></th>{% for cell in row.cells %}<td>{{ cell }}</td>"
    "{% endfor %}</tr>{% endfor %}</tbody></table>{% endfor %}</main>", autoescape=True)


def bare_dashboard_render(app: Flask, organization_id: str) -> Callable[[], str]:
    """The dashboard's figures and tables (a row and a cell for each of the page's, each row
    linked) from the dashboard computed once, outside the timing."""
    store = app.extensions[STORE_KEY]
    today = date.today()
    board = dashboard(store.organization_data(organization_id).read(), today,
                      lambda: organization_gaps(store.assessments, organization_id,
                                                framework_named))
    framework = framework_named(FRAMEWORK)
    plan_url = f"/o/{organization_id}/plans/"
    gap_url = f"/a/{board.gaps.assessment.id}/gaps/"
    tables = [
        {"title": "Waiting", "header": ["Plan", "Owner", "Sponsor", "Submitted"], "rows": [
            {"url": plan_url + plan.id, "title": plan.title,
             "cells": [plan.owner, plan.sponsor, plan.decisions[-1].at[:10]]}
            for plan in board.waiting]},
        {"title": "By state", "header": ["State", "Plans"], "rows": [
            {"url": plan_url + "?state=" + state.value, "title": state.value, "cells": [count]}
            for state, count in board.by_state]},
        {"title": "Overdue", "header": ["Action", "Plan", "Owner", "Due", "Days late"], "rows": [
            {"url": plan_url + entry.plan.id + "#action-" + entry.action.id,
             "title": entry.action.text, "cells": [
                 entry.plan.title, entry.action.owner, entry.action.due,
                 days_late(entry.action.due, today)]} for entry in board.overdue]},
        {"title": "KPIs", "header": ["KPI", "Status", "Trajectory", "Latest value", "Target",
                                     "Owner"], "rows": [
            {"url": f"/o/{organization_id}/kpis/{c.kpi.id}", "title": c.kpi.code + c.kpi.name,
             "cells": [c.reading.status.value, c.behind, f"{c.reading.latest.value:g}%",
                       c.reading.latest.period, f"{c.kpi.target:g}%", c.kpi.owner]}
            for c in board.kpis]},
        {"title": "Gaps", "header": ["Item", "Gap", "Score", "Target", "Change"], "rows": [
            {"url": gap_url + "#item-" + row.item,
             "title": row.item + framework.item(row.item).title.zh,
             "cells": [f"{row.gap_points:g}", row.score_pct, row.target_pct,
                       row.change_score_pct]} for row in board.gaps.largest]},
        {"title": "Change", "header": ["Category", "Score", "Change", "Gap",
                                       "Change in gap"], "rows": [
            {"url": gap_url + "#categories-heading",
             "title": group.id + (framework.category(group.id).title.zh
                                  if group.id != "total" else "In total"),
             "cells": [f"{group.score_points:g}", group.change_score_points,
                       f"{group.gap_points:g}", group.change_gap_points]}
            for group in (*board.gaps.categories, board.gaps.total)]},
    ]
    figures = [("waiting", len(board.waiting)), ("overdue", len(board.overdue)),
               ("kpis", len(board.kpis)), ("gap", f"{board.gaps.total.gap_points:g}")]
    chart = bar_chart([state.value for state, _ in board.by_state],
                      [count for _, count in board.by_state], "Plans")
    return lambda: BARE_DASHBOARD.render(title="Dashboard", figures=figures, chart=chart,
                                         tables=tables)



REGISTER_VALUES = 36  # monthly values per KPI, 2023-11 to 2026-10


def register_records(records: PerformanceRecords) -> None:
    """100 KPIs decomposed company → department → team (10 × 3 × 2 below the 10 company
    KPIs), up, down and band in turn, agreed, with 36 monthly values each: every fourth ends
    amber, every ninth red (their last value explained), the rest green."""
    company = add_unit(records, "Register Co.", None, head=COORDINATOR)
    departments = [add_unit(records, f"Department {d} 生产部", company.id, head=COORDINATOR)
                   for d in range(5)]
    teams = [add_unit(records, f"Team {t} 班组", departments[t // 2].id, head=COORDINATOR)
             for t in range(10)]
    objectives = {}
    for perspective in Perspective:
        objective = Objective(f"o-{perspective.value}", f"Objective {perspective.value} 目标",
                              perspective, COORDINATOR)
        records.objectives[objective.id] = objective
        objectives[perspective] = objective.id
    periods = [f"{2023 + (10 + m) // 12}-{(10 + m) % 12 + 1:02d}-28"
               for m in range(REGISTER_VALUES)]

    def add(n: int, unit: str | None, parent: str | None) -> str:
        direction = list(Direction)[n % 3]
        perspective = list(Perspective)[n % 4]
        levels = ({"baseline": 80.0, "target": 90.0, "stretch": 92.0} if direction is Direction.UP
                  else {"baseline": 20.0, "target": 10.0} if direction is Direction.DOWN
                  else {"baseline": 50.0, "band_low": 40.0, "band_high": 60.0})
        kpi = store_kpi(records, Kpi(
            f"k{n:03d}", f"K{n:03d}", f"KPI {n} 一次交检合格率", direction,
            definition="Parts passing final inspection first time, all lines 全部产线",
            formula="Good parts / parts inspected x 100", data_source="MES inspection records",
            measure_unit="%", baseline_date="2024-10-28", target_date="2026-12-31",
            amber=0.85 if n % 2 else None, frequency=Frequency.MONTHLY, owner=COORDINATOR,
            unit=unit, parent=parent, perspective=perspective,
            objectives=(objectives[perspective],), items=("4.7.2",), comparison=88.0,
            comparison_source="Industry survey 2025", agreed_by_owner_at=NOW,
            agreed_by_superior_at=NOW, agreed_by_superior=COORDINATOR, **levels))
        start = levels["baseline"] - (2 if direction is Direction.UP else -2)
        end = {Direction.UP: 91.0 if n % 9 else 84.0, Direction.DOWN: 9.5 if n % 9 else 16.0,
               Direction.BAND: 52.0 if n % 9 else 63.0}[direction]
        if n % 4 == 0 and n % 9 and direction is not Direction.BAND:
            end = 89.2 if direction is Direction.UP else 10.8  # amber
        for i, period in enumerate(periods):
            last = i == REGISTER_VALUES - 1
            value = start + (end - start) * i / (REGISTER_VALUES - 1) + (0 if last else i % 3 - 1)
            comment = "Line 3 stopped for a die repair; spare die ordered 3号线停机" \
                if last and status_of(kpi, value) is not Status.GREEN else ""
            put_measurement(records, Measurement(kpi.id, period, round(value, 1), comment,
                                                 COORDINATOR, NOW))
        return kpi.id

    n = 0
    for c in range(10):
        company_kpi = add(n, None, None)
        n += 1
        for d in range(3):
            department = (c + d) % 5
            department_kpi = add(n, departments[department].id, company_kpi)
            n += 1
            for t in range(2):
                add(n, teams[2 * department + t].id, department_kpi)
                n += 1


def kpi_register_app(data_dir: Path) -> tuple[Flask, str]:
    """An app whose one organization, managed by COORDINATOR, has the register's 100 KPIs;
    returns it and the organization's id."""
    app = create_app({"SECRET_KEY": "bench", "DATA_DIR": str(data_dir)})
    store = app.extensions[STORE_KEY]
    app.extensions[USERS_KEY].create(COORDINATOR, "Quality Manager", PASSWORD)
    organization = create_organization(store.organizations, "Register Co.")
    store.organizations.add_member(organization.id, COORDINATOR, OrgRole.MANAGER)
    store.organization_data(organization.id).change(register_records)
    return app, organization.id


BARE_REGISTER = jinja2.Template(
    "<main><h1>{{ title }}</h1><table><thead><tr>{% for name in header %}<th scope=\"col\">"
    "{{ name }}</th>{% endfor %}</tr></thead><tbody>{% for row in rows %}<tr data-kpi=\""
    "{{ row.code }}\" data-status=\"{{ row.status }}\"><td><a href=\"{{ row.url }}\">"
    "{{ row.code }}</a></td><td>{{ row.name }}{% for status, count in row.counts %}<span "
    "class=\"kpi-count kpi-status-{{ status }}\" title=\"{{ status }}\">{{ count }}</span>"
    "{% endfor %}</td><td><span class=\"kpi-status kpi-status-{{ row.status }}\">"
    "{{ row.status }}</span></td><td class=\"num\">{{ '%g'|format(row.value) }} {{ row.unit }}"
    "<small>{{ row.period }}</small></td><td class=\"num\">{{ row.target }}</td><td class="
    "\"num\">{% if row.attainment is not none %}{{ '%.0f%%'|format(row.attainment * 100) }}"
    "{% endif %}</td>{% for cell in row.cells %}<td>{{ cell }}</td>{% endfor %}<td>"
    "{% for letter, result in row.smart %}<abbr class=\"smart smart-{{ result }}\" title=\""
    "{{ letter }}: {{ result }}\">{{ letter }}</abbr>{% endfor %}</td></tr>{% endfor %}"
    "</tbody></table></main>", autoescape=True)


def bare_register_render(app: Flask, organization_id: str) -> Callable[[], str]:
    """The register's table (a row and a cell for each of the page's) from the register's rows
    computed once, outside the timing."""
    records = app.extensions[STORE_KEY].organization_data(organization_id).read()
    rows = [{
        "code": row.kpi.code, "name": row.kpi.name, "status": row.reading.status.value,
        "url": f"/o/{organization_id}/kpis/{row.kpi.id}",
        "counts": [(status.value, count) for status, count in (row.child_counts or {}).items()],
        "value": row.reading.latest.value, "unit": row.kpi.measure_unit,
        "period": row.reading.latest.period, "attainment": row.reading.attainment,
        "target": f"{row.kpi.band_low:g}–{row.kpi.band_high:g}"
        if row.kpi.direction is Direction.BAND else f"≥ {row.kpi.target:g}",
        "cells": [row.reading.trajectory or "", row.unit_path or "the company",
                  "Quality Manager", row.perspective.value if row.perspective else ""],
        "smart": [(letter, badge.result.value) for letter, badge in row.smart.items()],
    } for row in register_rows(records, date.today())]
    header = ["Code", "Indicator", "Status", "Latest", "Target", "Attainment", "Trajectory",
              "Unit", "Owner", "Perspective", "SMART"]
    return lambda: BARE_REGISTER.render(title="KPI register", header=header, rows=rows)


def demo_load_seconds(root: Path) -> float:
    """The median time of loading the demo into a new, empty data folder."""
    times = []
    for round_number in range(DEMO_ROUNDS):
        app = create_app({"SECRET_KEY": "bench", "DATA_DIR": str(root / f"demo{round_number}")})
        with app.app_context():
            start = time.perf_counter()
            load_demo(app.extensions[STORE_KEY], app.extensions[USERS_KEY])
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_ms(prepare: Callable[[], object], run: Callable[[object], None], rounds: int) -> float:
    """Median wall time of `run` alone (preparation, such as loading the form, is not timed)."""
    times = []
    for _ in range(rounds):
        argument = prepare()
        start = time.perf_counter()
        run(argument)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def page_ms(client: FlaskClient, url: str) -> float:
    """Median time of a signed-in GET of `url`, after a first request (which imports and
    compiles templates, and fills caches as any served page would find them)."""
    def get(_: object) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    get(None)
    return median_ms(lambda: None, get, ROUNDS)


def render_ms(render: Callable[[], object]) -> float:
    return median_ms(lambda: None, lambda _: render(), ROUNDS)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        app, assessment_id = answered_app(root / "one")
        data_file = app.extensions[STORE_KEY].assessment_data(assessment_id)
        document = json.loads(data_file.path.read_bytes())
        size_kb = data_file.path.stat().st_size / 1000
        save = SaveRequest(app, assessment_id)

        bare = bare_write_app(root, document).test_client()
        form_body = save.prepare()
        bare_ms = median_ms(lambda: form_body, lambda body: bare.post("/write", data=body),
                            ROUNDS)
        save_one_ms = median_ms(save.prepare, save, ROUNDS)

        answers_ms = page_ms(save.client, f"/a/{assessment_id}/answers")
        bare_answers_ms = render_ms(bare_answers_render(document))

        add_empty_assessments(app, ASSESSMENTS - 1)
        save_many_ms = median_ms(save.prepare, save, ROUNDS)

        app, assessment_id = consensus_app(root / "consensus")
        client = signed_in_client(app)
        consensus_ms = page_ms(client, f"/a/{assessment_id}/consensus/")  # imports scipy first
        table_ms = render_ms(bare_table_render)

        app, assessment_id = gap_report_app(root / "gaps")
        client = signed_in_client(app)
        gap_ms = page_ms(client, f"/a/{assessment_id}/gaps/")
        bare_gap_ms = render_ms(bare_gap_render(app, assessment_id))

        organization_id = dashboard_app(app, assessment_id)
        dashboard_ms = page_ms(client, f"/o/{organization_id}/dashboard")
        bare_dashboard_ms = render_ms(bare_dashboard_render(app, organization_id))

        register_app, organization_id = kpi_register_app(root / "register")
        register_client = signed_in_client(register_app)
        register_ms = page_ms(register_client, f"/o/{organization_id}/kpis/")
        bare_register_ms = render_ms(bare_register_render(register_app, organization_id))

        demo_seconds = demo_load_seconds(root)

    print(f"# assessment file {size_kb:.0f} KB; medians over {ROUNDS} requests: "
          f"bare write {bare_ms:.2f} ms, save {save_one_ms:.2f} ms (1 assessment; "
          f"{save_one_ms - bare_ms:.2f} ms beyond the bare write, which the disk moves less), "
          f"{save_many_ms:.2f} ms ({ASSESSMENTS} assessments); consensus page "
          f"{consensus_ms:.2f} ms, bare table render {table_ms:.3f} ms; gap page "
          f"{gap_ms:.2f} ms, bare gap render {bare_gap_ms:.3f} ms", file=sys.stderr)
    print(f"save_answer_ratio: {save_one_ms / bare_ms:.3f}")
    print(f"write_scaling_ratio: {save_many_ms / save_one_ms:.3f}")
    print(f"consensus_ratio: {consensus_ms / table_ms:.3f}")
    print(f"answers_page_ratio: {answers_ms / bare_answers_ms:.3f}")
    print(f"gap_report_ratio: {gap_ms / bare_gap_ms:.3f}")
    print(f"# dashboard page {dashboard_ms:.2f} ms, bare dashboard render "
          f"{bare_dashboard_ms:.3f} ms", file=sys.stderr)
    print(f"dashboard_ratio: {dashboard_ms / bare_dashboard_ms:.3f}")
    print(f"# KPI register page {register_ms:.2f} ms, bare register render "
          f"{bare_register_ms:.3f} ms", file=sys.stderr)
    print(f"kpi_register_ratio: {register_ms / bare_register_ms:.3f}")
    print(f"demo_load_seconds: {demo_seconds:.2f}")


if __name__ == "__main__":
    main()
