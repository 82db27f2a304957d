"""`flask plans ORG_ID`: every plan with its state, OFI ids, KPI codes, actions (overdue on the
given day) and decisions, as JSON or one line a plan."""

from __future__ import annotations

import json

from flask.testing import FlaskCliRunner

from assessor.plans import ExpectedEffect, OfiRef
from assessor.storage.store import Store
from tests.factories import gen_kpi, gen_organization, gen_plan


def test_plans_as_json(runner: FlaskCliRunner, store: Store) -> None:
    org = gen_organization(store, "Harbour Foods").id
    kpi = gen_kpi(store, org, "LT")
    doing = gen_plan(store, org, "Shorter lead times", state="doing", source_kpi=kpi.id,
                     ofis=[OfiRef("c2025", "4.5.2", "s1"), OfiRef("c2025", "4.2.3", "s2")],
                     effects=[ExpectedEffect(kpi.id, 30, 15, "2026-12-31")],
                     now="2026-01-01T09:00:00+00:00")
    gen_plan(store, org, "Kitting", state="draft", now="2026-01-02T09:00:00+00:00")
    result = runner.invoke(args=["plans", org, "--format", "json", "--on", "2026-04-01"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["organization"] == org
    first, second = document["plans"]
    assert (first["id"], first["title"], first["state"]) == (doing.id, "Shorter lead times",
                                                             "doing")
    assert first["ofis"] == ["s1", "s2"] and first["kpis"] == ["LT"]
    assert first["ofi_sources"][1] == {"assessment": "c2025", "item": "4.2.3", "id": "s2"}
    assert first["effects"] == [{"kpi": "LT", "now": 30.0, "expected": 15.0,
                                 "by": "2026-12-31"}]
    assert first["actions"] == [{"id": "A1", "text": "Map the process", "owner": "owner",
                                 "due": "2026-03-31", "status": "open", "overdue": True,
                                 "notes": []}]
    assert [(d["from"], d["to"], d["move"], d["by"]) for d in first["decisions"]] == [
        ("draft", "submitted", "submit", "manager"),
        ("submitted", "approved", "approve", "leader"),
        ("approved", "doing", "start", "manager")]
    assert first["started_on"] == "2026-01-01"
    assert (second["title"], second["state"], second["decisions"], second["kpis"]) == (
        "Kitting", "draft", [], [])
    assert second["actions"][0]["overdue"] is False  # a draft's due day is a proposal


def test_plans_as_text_and_an_unknown_organization(runner: FlaskCliRunner,
                                                   store: Store) -> None:
    org = gen_organization(store, "Harbour Foods").id
    plan = gen_plan(store, org, "Kitting", state="approved")
    result = runner.invoke(args=["plans", org, "--format", "text", "--on", "2026-04-01"])
    assert result.output == f"{plan.id}\tapproved\t0/1 done, 1 overdue\tKitting\n"
    result = runner.invoke(args=["plans", "nosuchorg", "--format", "json"])
    assert result.exit_code != 0 and "There is no organization 'nosuchorg'" in result.output
