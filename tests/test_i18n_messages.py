"""What the pages say back, in Chinese: per area, a Chinese reader sees the flash, validation or
error message translated (the domain reports codes; the web layer words them), and nothing of it
in English. English pages say the same in English (the other tests read them)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import Phase, Role
from assessor.audit import AuditEntry
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.key_factors import save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.phases import move_to
from assessor.review import Review, submit
from assessor.statements import Statement
from assessor.storage.store import Store
from assessor.users import Users
from assessor.web.audit import describe

from .conftest import COORDINATOR, PASSWORD

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
ITEM = "4.1.2"
NOW = "2026-03-01T00:00:00+00:00"


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text, entities decoded, without markup."""
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def flashes(response) -> list[str]:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    return [html.unescape(re.sub(r"<[^>]+>", "", found)).strip() for found in re.findall(
        r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, flags=re.S)]


def field_errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [html.unescape(found) for found in re.findall(
        r'<small class="field-error"[^>]*>(.*?)</small>', response.get_data(as_text=True))]


@pytest.fixture
def base(assessment: AssessmentRecord) -> str:
    return f"/a/{assessment.id}"


# -- team, phases, key factors, settings, audit ----------------------------------------------------
def test_team_messages_in_chinese(client: FlaskClient, add_member: Callable[..., None],
                                  assessment: AssessmentRecord, base: str) -> None:
    add_member(assessment, "li", Role.EXAMINER)
    added = client.post(f"{base}/team/members", data={"username": "li", "role": "writer"},
                        headers=ZH, follow_redirects=True)
    assert "li 现为本次自评的撰写人。请在下方为其分配条目。" in flashes(added)
    held = client.post(f"{base}/team/members", data={"username": "li", "role": "examiner"},
                       headers=ZH)
    assert held.status_code == 400
    assert "li 在此已担任评审员；请选择其他角色或人员。" in field_errors(held)
    assert "未添加任何人：请查看表单下方的提示。" in flashes(held)
    last = client.post(f"{base}/team/members/{COORDINATOR}/coordinator/remove", headers=ZH,
                       follow_redirects=True)
    assert (f"未移除任何角色：{COORDINATOR} 是唯一的协调人。请先把协调人角色授予另一人。"
            in flashes(last))
    assigned = client.post(f"{base}/team/assignments/examiner/li",
                           data={"examiner-li-items": ["4.1.2", "4.1.3"],
                                 "examiner-li-save": "1"}, headers=ZH, follow_redirects=True)
    assert "li（评审员）：已分配 2 项（4.1.2, 4.1.3）。" in flashes(assigned)
    wrong_choice = client.post(f"{base}/team/assignments/examiner/li",
                               data={"examiner-li-items": ["P"], "examiner-li-save": "1"},
                               headers=ZH)
    assert "无效的选择：P。请从列表中勾选条目。" in field_errors(wrong_choice)
    ghost = client.post(f"{base}/team/members", data={"username": "ghost", "role": "writer"},
                        headers=ZH)
    assert "不是有效的选择。" in field_errors(ghost)  # WTForms' own message, in its catalogue
    english = client.post(f"{base}/team/members", data={"username": "li", "role": "examiner"},
                          headers=EN)
    assert "li already holds the examiner role here" in text(english)


def test_phase_messages_and_warnings_in_chinese(client: FlaskClient, base: str,
                                                add_member: Callable[..., None],
                                                assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER, (ITEM,))
    page = client.get(f"{base}/team/phase", headers=ZH)
    assert "有 22 个条目（" in text(page) and "没有分配评审员，将无人评分。" in text(page)
    assert "撰写人回答分配给自己的页面中的问题" in text(page)  # what the phase allows
    refused = client.post(f"{base}/team/phase", data={"shown": "writing", "target": "consensus"},
                          headers=ZH)
    assert refused.status_code == 409
    assert ("阶段未变更。自评只能从“撰写”进入紧邻的前一个或后一个阶段，不能进入“共识”。"
            in flashes(refused))
    opened = client.post(f"{base}/team/phase", data={"shown": "writing", "target": "review",
                                                     "confirm": "yes"},
                         headers=ZH, follow_redirects=True)
    assert any(flash.startswith("已开启“独立评审”阶段（此前为“撰写”）。评审员独立为")
               for flash in flashes(opened))
    stale = client.post(f"{base}/team/phase", data={"shown": "writing", "target": "review"},
                        headers=ZH)
    assert "在此页面打开期间有人变更了阶段" in " ".join(flashes(stale))


def test_key_factor_and_settings_messages_in_chinese(client: FlaskClient, base: str) -> None:
    url = f"{base}/team/key-factors"
    saved = client.post(url, data={"new_1": "出口市场"}, headers=ZH, follow_redirects=True)
    assert "关键因素已保存（1 个）。" in flashes(saved)
    too_long = client.post(url, data={"K1": "长" * 201}, headers=ZH)
    assert too_long.status_code == 400
    assert "关键因素是一个简短的短语，最多 200 个字符。" in field_errors(too_long)
    for n in range(3):  # K1 to K7
        client.post(url, data={**{f"K{i}": f"因素 {i}" for i in range(1, 2 * n + 2)},
                               "new_1": f"因素 {2 * n + 2}", "new_2": f"因素 {2 * n + 3}"})
    too_many = client.post(url, data={**{f"K{i}": f"因素 {i}" for i in range(1, 8)},
                                      "new_1": "第八个", "new_2": "第九个"}, headers=ZH)
    assert too_many.status_code == 400
    assert ("关键因素未保存：关键因素最多 8 个；评审员通常使用 4 至 6 个。 您输入的文字保留在下方。"
            in flashes(too_many))

    settings = f"{base}/team/settings"
    for bad, message in (("150", "阈值为 0 至 100 个百分点。"),
                         ("many", "请输入 0 至 100 之间的整数百分点。")):
        response = client.post(settings, data={"variance_threshold": bad}, headers=ZH)
        assert response.status_code == 400
        assert message in field_errors(response)
        assert "设置未保存：请查看下方提示。" in flashes(response)
    page = client.get(settings, headers=ZH)
    assert "分歧阈值（百分点）" in text(page) and "Variance threshold" not in text(page)
    assert "设置已保存。" in flashes(client.post(settings, data={"variance_threshold": "25"},
                                           headers=ZH, follow_redirects=True))


def test_audit_details_in_chinese(app: Flask, client: FlaskClient, base: str) -> None:
    with app.test_request_context(headers=ZH):
        assert describe(AuditEntry(NOW, "x", "phase_changed",
                                   {"from": "writing", "to": "review"})) == "撰写 → 独立评审"
        assert describe(AuditEntry(NOW, "x", "answers_saved", {
            "section": "4.1.2", "questions": ["4.1.2.a", "4.1.2.b"]})) == "4.1.2（2 个问题）"
        assert describe(AuditEntry(NOW, "x", "settings_saved", {
            "variance_threshold": 25, "report_shows_total": True,
            "report_shows_exact_scores": False})) == (
            "分歧阈值 25 个百分点；报告显示总分：是；显示确切评分：否")
    client.post(f"{base}/team/members", data={"username": COORDINATOR, "role": "leader"})
    page = text(client.get(f"{base}/team/audit", headers=ZH))
    assert f"{COORDINATOR} 担任领导" in page and " as leader" not in page


# -- independent review and consensus -------------------------------------------------------------
@pytest.fixture
def in_review(store: Store, assessment: AssessmentRecord,
              add_member: Callable[..., None]) -> AssessmentRecord:
    add_member(assessment, "ann", Role.EXAMINER, (ITEM,))
    add_member(assessment, "bob", Role.EXAMINER, (ITEM,))
    data = store.assessment_data(assessment.id)
    save_key_factors(data, {}, ["出口市场", "技能人才"])
    move_to(data, Phase.REVIEW)
    return assessment


def review_form(score: str = "", action: str = "save_draft", **fields: str) -> dict[str, str]:
    return {"score": score, "note_approach": "", "note_deployment": "", "note_learning": "",
            "note_integration": "", "strengths": "", "ofis": "", action: "1", **fields}


def test_review_messages_in_chinese(sign_in: Callable[..., FlaskClient], client: FlaskClient,
                                    in_review: AssessmentRecord) -> None:
    ann = sign_in("ann")
    url = f"/a/{in_review.id}/review/items/{ITEM}"
    page = ann.get(url, headers=ZH).get_data(as_text=True)
    assert 'value="保存草稿"' in page and 'value="提交（之后只读）"' in page
    assert '<option selected value="">尚未评分</option>' in page
    assert "Save draft" not in page and "Not scored yet" not in page
    bad_score = ann.post(url, data=review_form("33"), headers=ZH)
    assert bad_score.status_code == 400
    assert "请从列表中选择评分：0 至 100%，步长为 5。" in field_errors(bad_score)
    assert "未保存任何内容：请查看下方提示。您输入的文字已保留。" in flashes(bad_score)
    no_score = ann.post(url, data=review_form("", "submit_entry"), headers=ZH)
    assert "提交前请先选择评分；保存草稿时可以不评分。" in field_errors(no_score)
    unknown_tag = ann.post(url, data=review_form("50", strengths="领导每月评审 #K9"), headers=ZH)
    assert "强项，第 1 行：未知的关键因素 #K9（已有：#K1, #K2）。" in field_errors(unknown_tag)
    too_long = ann.post(url, data=review_form("50", note_approach="字" * 5001), headers=ZH)
    assert ("此处最多可填 5000 个字符；请精简文字。未保存任何内容；您输入的文字保留在下方。"
            in field_errors(too_long))
    draft = ann.post(url, data=review_form("50"), headers=ZH, follow_redirects=True)
    assert "草稿已保存。提交之前只有您能看到。" in flashes(draft)
    submitted = ann.post(url, data=review_form("50", "submit_entry"), headers=ZH,
                         follow_redirects=True)
    assert flashes(submitted)[0].startswith("您对条目 4.1.2 的评审已提交，现为只读。")
    reopen = f"/a/{in_review.id}/review/items/{ITEM}/reopen/bob"
    refused = client.post(reopen, headers=ZH, follow_redirects=True)
    assert "bob 在条目 4.1.2 上没有可重新开放的评审。" in flashes(refused)


@pytest.fixture
def in_consensus(store: Store, in_review: AssessmentRecord) -> AssessmentRecord:
    data = store.assessment_data(in_review.id)
    submit(data, Review(ITEM, "ann", score=50), 5, NOW)
    submit(data, Review(ITEM, "bob", score=60), 5, NOW)
    move_to(data, Phase.CONSENSUS)
    return in_review


def test_consensus_messages_in_chinese(client: FlaskClient,
                                       in_consensus: AssessmentRecord) -> None:
    url = f"/a/{in_consensus.id}/consensus/items/{ITEM}"
    page = text(client.get(url, headers=ZH))
    assert "共识评分 (%)" in page and "理由" in page and "Rationale" not in page
    for score, message in (
            ("fifty", "“fifty”不是整数。 请输入 0 至 100 的百分比，步长为 5，例如 55。"),
            ("57", "评分是 0 至 100 的百分比，步长为 5，不能是 57。 请输入 0 至 100 的百分比，"
                   "步长为 5，例如 55。")):
        response = client.post(url, data={"score": score, "rationale": "讨论后一致同意。",
                                          "strengths": "", "ofis": ""}, headers=ZH)
        assert response.status_code == 400
        assert message in field_errors(response)
    no_rationale = client.post(url, data={"score": "55", "rationale": "", "strengths": "",
                                          "ofis": ""}, headers=ZH)
    assert any(error.startswith("请填写理由") for error in field_errors(no_rationale))
    recorded = client.post(url, data={"score": "55", "rationale": "讨论后一致同意。",
                                      "strengths": "领导每月评审", "ofis": ""}, headers=ZH,
                           follow_redirects=True)
    assert "已记录条目 4.1.2 的共识：50 分值 × 55% = 27.5 分。" in flashes(recorded)
    board = text(client.get(f"/a/{in_consensus.id}/consensus/", headers=ZH))
    # One item scored: Kendall's W cannot be computed, and the page says why in Chinese.
    assert "未计算：计算 Kendall W 至少需要 2 位评审员为相同的 2 个或更多条目评分。" in board
    assert "结果类条目" in board and "Results items" not in board


# -- answers, sign-in, administration, error pages -----------------------------------------------
def test_answer_and_phase_messages_in_chinese(client: FlaskClient, store: Store,
                                              assessment: AssessmentRecord, base: str) -> None:
    url = f"{base}/items/{ITEM}"
    saved = client.post(url, data={"answer_4_1_2_a": "每月一次。", "revision_4_1_2_a": "0"},
                        headers=ZH, follow_redirects=True)
    assert "已保存 1 条回答。" in flashes(saved)
    unchanged = client.post(url, data={"answer_4_1_2_a": "每月一次。", "revision_4_1_2_a": "1"},
                            headers=ZH, follow_redirects=True)
    assert "没有需要保存的修改。" in flashes(unchanged)
    move_to(store.assessment_data(assessment.id), Phase.REVIEW)
    page = client.get(url, headers=ZH)
    assert "Independent review" not in text(page)


def test_sign_in_and_account_messages_in_chinese(app: Flask, users: Users,
                                                 sign_in: Callable[..., FlaskClient]) -> None:
    users.create("wang", "王芳", PASSWORD)
    wrong = app.test_client().post("/login", data={"username": "wang", "password": "nope"},
                                   headers=ZH)
    assert wrong.status_code == 401 and "用户名不存在或密码错误。" in flashes(wrong)
    admin = sign_in("root", is_admin=True)
    taken = admin.post("/admin/users", data={"username": "wang", "display_name": "",
                                             "password": PASSWORD, "confirm": PASSWORD},
                       headers=ZH)
    assert taken.status_code == 400 and "用户名“wang”已被占用。" in field_errors(taken)
    differ = admin.post("/admin/users", data={"username": "zhao", "password": PASSWORD,
                                              "confirm": "something else"}, headers=ZH)
    assert "两次输入的密码不一致。" in field_errors(differ)
    added = admin.post("/admin/users", data={"username": "zhao", "password": PASSWORD,
                                             "confirm": PASSWORD}, headers=ZH,
                       follow_redirects=True)
    assert flashes(added)[0].startswith("已添加用户 zhao。")
    assert "初始密码" in text(added) and "Initial password" not in text(added)


def test_error_pages_in_chinese(client: FlaskClient, sign_in: Callable[..., FlaskClient],
                                base: str) -> None:
    missing = client.get("/a/nowhere/", headers=ZH)
    assert missing.status_code == 404 and "不存在编号为“nowhere”的自评。" in text(missing)
    no_page = client.get("/no/such/page", headers=ZH)
    assert no_page.status_code == 404 and "此网址没有对应的页面。" in text(no_page)
    assert "requested URL" not in text(no_page)
    no_item = client.get(f"{base}/items/9.9", headers=ZH)
    assert "准则中没有条目“9.9”。" in text(no_item)
    stranger = sign_in("stranger").get(f"{base}/", headers=ZH)
    assert stranger.status_code == 403
    assert "您在本次自评中没有角色。请联系其协调人把您加入。" in text(stranger)
    refused = client.get(f"{base}/review/", headers=ZH)  # no review in the writing phase
    assert refused.status_code == 403
    assert "您在此的角色（协调人）在“撰写”阶段不能进行此操作" in text(refused)


def test_an_expired_form_says_so_in_chinese(csrf_app: Flask, users: Users) -> None:
    users.create("wang", "王芳", PASSWORD)
    response = csrf_app.test_client().post("/login", data={"username": "wang",
                                                            "password": PASSWORD}, headers=ZH)
    assert response.status_code == 400
    assert "表单已过期，或并非从 assessor 提交" in text(response)
    assert "表单缺少安全令牌。" in text(response) and "CSRF" not in text(response)


# -- the feedback report's Markdown ----------------------------------------------------------------
def test_markdown_report_in_the_readers_language(client: FlaskClient, store: Store,
                                                 assessment: AssessmentRecord) -> None:
    data = store.assessment_data(assessment.id)
    move_to(data, Phase.REVIEW)
    move_to(data, Phase.CONSENSUS)
    record_consensus(data, ConsensusRecord(
        ITEM, 55, "一致同意", (Statement("领导每月评审战略仪表盘。"),), (), COORDINATOR, NOW), 5)
    response = client.get(f"/a/{assessment.id}/report/report.md", headers=ZH)
    markdown = response.get_data(as_text=True)
    assert markdown.startswith("# 反馈报告：Test Works Ltd.\n")
    assert "### 4.1.2 高层领导的作用 Role of senior leaders" in markdown
    assert "**强项**" in markdown and "**改进机会**" in markdown
    assert "> **草稿。**" in markdown and "暂定：有 22 个条目尚无共识" in markdown
    assert "Strengths" not in markdown and "Draft" not in markdown
    disposition = response.headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == (
        "Test Works Ltd. 2026 反馈报告.md")
