"""An improvement plan's whole way in Chinese, in a real headless Chromium, on the demo's
hospital: from an OFI of the gap report to a new plan, submitted, returned by the leader with a
comment (first refused without one), submitted again, approved, an action done, a KPI value
entered, the Check showing the effect, the verdict, and the leader closing it with the new
standard practice. No English interface text on the plan's page on the way."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from assessor.demo import DEMO_DIR
from assessor.extensions import store_of
from assessor.kpi_status import latest
from assessor.kpis import Direction

from .browser import open_page, serve, sign_in_chinese
from .conftest import demo_app as copy_of_demo

pytestmark = pytest.mark.browser

CHINESE_ORGANIZATION = "临澜市第三人民医院"
ALLOWED = {"KPI", "PDCA", "assessor", "English"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


@pytest.fixture(scope="module")
def demo_app(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return copy_of_demo(demo_template, tmp_path_factory.mktemp("plans-zh"),
                        WTF_CSRF_ENABLED=True, TESTING=False)


def chinese_page(browser: Browser) -> Page:
    page = open_page(browser, "zh-CN")
    page.context.set_default_timeout(10_000)
    return page


def names_allowed() -> set[str]:
    team = yaml.safe_load((DEMO_DIR / "team.yaml").read_text(encoding="utf-8"))["team"]
    return {word for person in team for word in WORD.findall(f"{person['username']} "
                                                               f"{person['name']}")}


def english_on(page: Page) -> list[str]:
    """English words in the page's visible text, less the allowed ones, people's names and
    acronyms (and the organization's own words: KPI codes, statement ids)."""
    text = page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('.statement-id, .kpi-code, option').forEach(e => e.remove());
        return body.innerText;
    }""")
    allowed = ALLOWED | names_allowed()
    return sorted({word for word in WORD.findall(text) if word not in allowed
                   and not (word.isupper() and len(word) <= 6)})


def move(page: Page, name: str) -> None:
    page.locator(f"button[data-move={name}]").click()


def test_a_plan_from_an_ofi_to_closed_in_chinese(demo_app: Flask, browser: Browser) -> None:
    store = store_of(demo_app)
    cycle = next(r for r in store.assessments.all()
                 if r.organization == CHINESE_ORGANIZATION and r.cycle == "2025")
    org = cycle.organization_id
    records = store.organization_data(org).read()
    kpi = next(k for k in records.kpis.values()
               if k.direction is not Direction.BAND and latest(records.measurements_of(k.id)))
    now = latest(records.measurements_of(kpi.id)).value
    expected = round(now * 0.8, 2) if kpi.direction is Direction.DOWN else round(now * 1.1 + 1, 2)
    today = date.today().isoformat()
    english: dict[str, list[str]] = {}
    with serve(demo_app) as base_url:
        manager, leader = chinese_page(browser), chinese_page(browser)
        sign_in_chinese(manager, base_url, "coordinator")
        sign_in_chinese(leader, base_url, "leader")

        # The gap report: "制定改进计划" beside the first OFI opens the form prefilled from it.
        manager.goto(f"{base_url}/a/{cycle.id}/gaps/")
        first_ofi = manager.locator(".gap-statements.ofis li").first
        ofi_text = first_ofi.inner_text()
        first_ofi.get_by_role("link", name="制定改进计划").click()
        expect(manager.get_by_role("heading", name="新的改进计划", level=1)).to_be_visible()
        expect(manager.locator(".plan-ofis")).to_be_visible()
        assert manager.locator("#plan-title").input_value() in ofi_text
        manager.locator("#plan-title").fill("出院随访覆盖全部病区")
        manager.locator("#plan-objective").fill("六个月内出院随访率达到目标")
        manager.locator("#plan-sponsor").select_option("leader")
        manager.get_by_text("五个为什么", exact=True).click()  # the analysis opens on demand
        manager.locator("#why-1").fill("随访名单靠手工整理")
        manager.get_by_text("鱼骨图", exact=True).click()
        manager.locator("#fishbone-methods").fill("没有统一的随访流程")
        manager.locator("select[name=effect_kpi_0]").select_option(kpi.id)
        manager.locator("input[name=effect_now_0]").fill(f"{now:g}")
        manager.locator("input[name=effect_expected_0]").fill(f"{expected:g}")
        manager.locator("input[name=effect_by_0]").fill("2027-06-30")
        manager.get_by_role("button", name="创建草稿").click()
        expect(manager.locator(".flash-success")).to_contain_text("草稿")
        plan_url = manager.url

        # Submitting needs an action: the page says so until one is added.
        expect(manager.locator(".plan-moves .notice")).to_contain_text("至少一项措施")
        manager.locator("#action-text").fill("建立出院随访信息化名单")
        manager.locator("#action-owner").select_option("coordinator")
        manager.locator("#action-due").fill("2027-01-31")
        manager.get_by_role("button", name="添加该措施").click()
        expect(manager.locator(".flash-success")).to_contain_text("措施已添加")
        move(manager, "submit")
        expect(manager.locator(".plan-state").first).to_have_text("已提交")
        english[plan_url + " (submitted)"] = english_on(manager)

        # The leader returns it: refused without a comment, then with one.
        leader.goto(plan_url)
        expect(leader.locator("button[data-move]")).to_have_count(2)
        move(leader, "return")
        expect(leader.locator(".form-refusal")).to_contain_text("请填写说明")
        leader.locator("#move-comment").fill("请写明各病区的分工")
        move(leader, "return")
        expect(leader.locator(".plan-state").first).to_have_text("草稿")

        # The owner reads the comment in the timeline and submits again; the leader approves.
        manager.goto(plan_url)
        expect(manager.locator(".timeline")).to_contain_text("请写明各病区的分工")
        move(manager, "submit")
        expect(manager.locator(".plan-state").first).to_have_text("已提交")
        leader.goto(plan_url)
        move(leader, "approve")
        expect(leader.locator(".plan-state").first).to_have_text("已批准")

        # Do: started, the action done with a progress update.
        manager.goto(plan_url)
        move(manager, "start")
        expect(manager.locator(".plan-state").first).to_have_text("实施中")
        action = manager.locator("li[data-action=A1]")
        action.locator("textarea[name=text]").fill("名单已上线")
        action.get_by_role("button", name="添加进展").click()
        action = manager.locator("li[data-action=A1]")
        action.locator("select[name=status]").select_option("done")
        action.get_by_role("button", name="保存状态").click()
        expect(manager.locator("li[data-action=A1] .action-status")).to_have_text("已完成")
        expect(manager.locator("li[data-action=A1] .action-notes")).to_contain_text("名单已上线")
        english[plan_url + " (doing)"] = english_on(manager)

        # A KPI value, entered on the KPI's page.
        manager.goto(f"{base_url}/o/{org}/kpis/{kpi.id}")
        form = manager.locator("form.measurement-form")
        form.locator("input[name=period]").fill(today)
        form.locator("input[name=value]").fill(f"{expected:g}")
        form.locator("button[type=submit]").click()
        expect(manager.locator(".flash-error")).to_have_count(0)

        # Check: the value since the start against the expectation, drawn and tabled.
        manager.goto(plan_url)
        move(manager, "check")
        expect(manager.locator(".plan-state").first).to_have_text("检查中")
        check = manager.locator(".effect-check").first
        expect(check.locator(".chart-drawn")).to_have_count(1)
        expect(check.locator(f"tr[data-period='{today}']")).to_contain_text(f"{expected:g}")
        expect(check.locator(".effect-result")).to_contain_text("已达到预期值")
        manager.locator("input[name=verdict][value=effective]").check()
        manager.locator("#verdict-comment").fill("各病区随访率均已达标")
        manager.get_by_role("button", name="保存结论").click()
        expect(manager.locator(".plan-verdict")).to_contain_text("有效")
        english[plan_url + " (checking)"] = english_on(manager)

        # Act: the leader closes it with the new standard practice.
        leader.goto(plan_url)
        leader.locator("#act-standards").fill("出院随访管理制度（2026 版）\n随访名单模板")
        move(leader, "close")
        expect(leader.locator(".plan-state").first).to_have_text("已关闭")
        expect(leader.locator(".plan-standards")).to_contain_text("出院随访管理制度")
        expect(leader.locator(".timeline li")).to_have_count(7)
        english[plan_url + " (closed)"] = english_on(leader)
        manager.context.close()
        leader.context.close()
    assert not any(english.values()), f"English on the Chinese plan page: {english}"
