"""The questionnaire through Flask's test client: pages, saving, conflicts, bad input."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import OrgRole, Role
from assessor.answers import MAX_ANSWER_CHARS, load_answers
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.organizations import AssessmentRecord, create_organization
from assessor.storage.store import Store
from assessor.team import add_role, member
from tests.factories import gen_assessment

from .conftest import PASSWORD, csrf_token, form_fields, sign_in_client

ITEM = "4.1.2"


def answer_key(question_id: str) -> str:
    return "answer_" + question_id.replace(".", "_")


def revision_key(question_id: str) -> str:
    return "revision_" + question_id.replace(".", "_")


def item_url(record: AssessmentRecord, item_id: str = ITEM) -> str:
    return f"/a/{record.id}/items/{item_id}"


def form_for(client: FlaskClient, url: str) -> dict[str, str]:
    return form_fields(client.get(url).get_data(as_text=True))


def test_home_lists_assessments_with_progress(client: FlaskClient, store: Store,
                                              assessment: AssessmentRecord) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Test Works Ltd." in page
    assert "0/239" in page  # 17 profile + 222 item questions, none answered


def test_an_administrator_creates_an_organization_with_its_first_cycle(
        sign_in: Callable[..., FlaskClient], store: Store) -> None:
    admin = sign_in("boss", is_admin=True)
    response = admin.post("/assessments/new", data={
        "organization": "new", "new_organization": "  Harbour   Foods ", "cycle": "2027",
        "framework": "gbt19580-2012.yaml"})
    assert response.status_code == 302
    [record] = store.assessments.all()
    assert (record.organization, record.cycle) == ("Harbour Foods", "2027")
    assert response.headers["Location"].endswith(f"/a/{record.id}/")
    [organization] = store.organizations.all()
    assert store.organizations.members(organization.id) == {"boss": {OrgRole.MANAGER}}
    assert member(store.assessment_data(record.id), "boss").roles == {Role.COORDINATOR}


def test_a_manager_starts_a_cycle_of_their_organization_only(
        sign_in: Callable[..., FlaskClient], store: Store) -> None:
    harbour = create_organization(store.organizations, "Harbour Foods", manager="mgr")
    create_organization(store.organizations, "Other Org")
    manager = sign_in("mgr")
    form = manager.get("/assessments/new").get_data(as_text=True)
    assert "Harbour Foods" in form and "Other Org" not in form
    assert "A new organization" not in form  # only administrators create organizations
    response = manager.post("/assessments/new", data={
        "organization": harbour.id, "cycle": "2027", "framework": "gbt19580-2012.yaml"})
    assert response.status_code == 302
    [record] = store.assessments.all()
    assert record.organization_id == harbour.id
    events = store.assessment_data(record.id).audit.read().entries
    assert [(e.user, e.action) for e in events] == [("mgr", "assessment_created")]


def test_without_an_organization_to_manage_nobody_starts_a_cycle(
        client: FlaskClient, store: Store) -> None:
    response = client.get("/assessments/new")
    assert response.status_code == 403
    assert "managers start its cycles" in response.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"organization": "new", "new_organization": "", "cycle": "2027",
      "framework": "gbt19580-2012.yaml"}, "Type the new organization&#39;s name."),
    ({"organization": "new", "new_organization": "X", "cycle": "",
      "framework": "gbt19580-2012.yaml"}, "This field is required"),
    ({"organization": "new", "new_organization": "X", "cycle": "2027",
      "framework": "../secrets.yaml"}, "Not a valid choice"),
    ({"organization": "nosuchorg123", "cycle": "2027", "framework": "gbt19580-2012.yaml"},
     "Not a valid choice"),
])
def test_create_assessment_refuses_bad_input(sign_in: Callable[..., FlaskClient], store: Store,
                                             data: dict[str, str], message: str) -> None:
    response = sign_in("boss", is_admin=True).post("/assessments/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert data["cycle"] in page  # the typed text is kept
    assert store.assessments.all() == [] and store.organizations.all() == []


def test_overview_shows_every_item_and_progress(client: FlaskClient,
                                                assessment: AssessmentRecord) -> None:
    client.post(item_url(assessment), data={answer_key("4.1.2.a"): "We meet monthly.",
                                            revision_key("4.1.2.a"): "0"})
    page = client.get(f"/a/{assessment.id}/").get_data(as_text=True)
    assert page.count('href="/a/' + assessment.id + '/items/') == 23
    assert "1/13" in page  # 4.1.2 has 13 questions, one answered
    assert "1/32" in page  # category 4.1: 13 + 10 + 9


ZH, EN = {"Accept-Language": "zh-CN"}, {"Accept-Language": "en"}
# The results guideline's dimensions as the file has them: (title, prompt) per language.
LETCI = {
    "zh": [("水平", "各指标当前达到的数值（注明单位和统计口径），以及与目标值的对照"),
           ("趋势", "至少三个周期（一般为近三年及以上）的连续数据，以及变化的方向和幅度"),
           ("对比", "与竞争对手、行业平均或先进水平、标杆组织以及适用的标准或限值的可比数据"),
           ("整合", "按产品和服务、顾客群、市场、场所或员工群体等的细分，"
                    "以及结果与关键要求和战略目标的对应")],
    "en": [("Levels", "the current value of each measure (with its unit and how it is counted) "
                      "and how it stands against its target"),
           ("Trends", "data over at least three periods (usually the last three years or more), "
                      "with the direction and size of the change"),
           ("Comparisons", "comparable data for competitors, industry averages or leaders, "
                           "benchmark organizations and any applicable standards or limits"),
           ("Integration", "segments (by product or service, customer group, market, site or "
                           "workforce group, as relevant) and how the results match your key "
                           "requirements and strategic objectives")],
}


def question_sections(page: str) -> dict[str, str]:
    """Each question's block on an answer page, by question id."""
    return dict(re.findall(r'<section class="question[^"]*" id="q-([^"]+)">(.*?)</section>',
                           page, flags=re.S))


def prompts_in(block: str) -> tuple[str, list[tuple[str, str]]]:
    """The lead and the (dimension, prompt) pairs of the LeTCI prompts in a block of a page,
    in the page's own language (the "show both" spans left out)."""
    found = re.search(r'<div class="answer-prompts"[^>]*>\s*<p class="answer-prompts-lead">'
                      r'(.*?)</p>(.*?)</dl>', block, flags=re.S)
    assert found, "no LeTCI prompts here"
    own = re.sub(r' <span lang="[^"]+" class="other-lang">.*?</span>', "", found.group(2))
    pairs = re.findall(r"<dt><span[^>]*>(.*?)</span></dt>\s*<dd><span[^>]*>(.*?)</span></dd>",
                       own, flags=re.S)
    return html_lib.unescape(found.group(1)), [
        (html_lib.unescape(title), html_lib.unescape(text)) for title, text in pairs]


@pytest.mark.parametrize("headers, lang, lead", [(ZH, "zh", "在回答中说明："),
                                                 (EN, "en", "In your answer, show:")])
def test_a_results_item_shows_the_four_letci_prompts_under_each_question(
        client: FlaskClient, assessment: AssessmentRecord, headers: dict[str, str], lang: str,
        lead: str) -> None:
    page = client.get(item_url(assessment, "4.7.3"), headers=headers).get_data(as_text=True)
    sections = question_sections(page)
    assert list(sections) == [f"4.7.3.{letter}" for letter in "abcdefgh"]
    for question_id, block in sections.items():
        assert prompts_in(block) == (lead, LETCI[lang]), question_id
        # The text box points at them, and its hint asks for figures, not a process.
        field = answer_key(question_id)
        assert re.search(rf'<textarea aria-describedby="prompts-{field} count-{field}"', block)
    other = "en" if lang == "zh" else "zh"
    assert LETCI[other][1][1] not in page  # one language unless "show both"
    both = client.get(item_url(assessment, "4.7.3") + "?both=1",
                      headers=headers).get_data(as_text=True)
    block = question_sections(both)["4.7.3.a"]
    assert prompts_in(block) == (lead, LETCI[lang])
    for title, prompt in LETCI[other]:
        assert f'class="other-lang">{html_lib.escape(title)}</span>' in block
        assert f'class="other-lang">{html_lib.escape(prompt)}</span>' in block


@pytest.mark.parametrize("headers", [ZH, EN])
def test_process_items_and_the_profile_show_no_letci_prompts(
        client: FlaskClient, assessment: AssessmentRecord, headers: dict[str, str]) -> None:
    for url in (item_url(assessment, "4.1.2"), item_url(assessment, "4.6.3"),
                f"/a/{assessment.id}/profile"):
        page = client.get(url, headers=headers).get_data(as_text=True)
        assert question_sections(page)
        assert "answer-prompts" not in page and "prompts-answer_" not in page
        for _title, prompt in LETCI["zh"] + LETCI["en"]:
            assert prompt not in page
    results = client.get(item_url(assessment, "4.7.2"), headers=EN).get_data(as_text=True)
    process = client.get(item_url(assessment, "4.1.2"), headers=EN).get_data(as_text=True)
    assert 'placeholder="Name each measure and give its figures' in results
    assert 'placeholder="Describe who does what' in process


def test_read_answers_shows_the_prompts_once_per_results_item(
        client: FlaskClient, assessment: AssessmentRecord) -> None:
    for headers, lang, lead in ((ZH, "zh", "本条目的每个回答应说明："),
                                (EN, "en", "Each answer to this item should show:")):
        page = client.get(f"/a/{assessment.id}/answers", headers=headers).get_data(as_text=True)
        blocks = re.findall(r'<h3 id="item-([\d.]+)">.*?</h3>\s*(<div class="answer-prompts".*?'
                            r'</div>)?', page, flags=re.S)
        assert [item for item, prompts in blocks if prompts] == [
            "4.7.2", "4.7.3", "4.7.4", "4.7.5", "4.7.6", "4.7.7"]
        assert page.count('class="answer-prompts"') == 6  # not under each of the 51 questions
        assert prompts_in(blocks[-1][1]) == (lead, LETCI[lang])


def test_save_answer_then_read_it_back(client: FlaskClient, assessment: AssessmentRecord,
                                       store: Store) -> None:
    response = client.post(item_url(assessment), data={
        answer_key("4.1.2.a"): "Line one\r\nLine two", revision_key("4.1.2.a"): "0"})
    assert response.status_code == 302
    answer = load_answers(store.assessment_data(assessment.id))["4.1.2.a"]
    assert (answer.text, answer.revision) == ("Line one\nLine two", 1)
    page = client.get(item_url(assessment), follow_redirects=True).get_data(as_text=True)
    assert form_fields(page)[answer_key("4.1.2.a")] == "Line one\nLine two"
    assert form_for(client, item_url(assessment))[revision_key("4.1.2.a")] == "1"


def test_resaving_an_unchanged_page_saves_nothing(client: FlaskClient,
                                                  assessment: AssessmentRecord) -> None:
    client.post(item_url(assessment), data={answer_key("4.1.2.a"): "Text",
                                            revision_key("4.1.2.a"): "0"})
    page = client.post(item_url(assessment), data=form_for(client, item_url(assessment)),
                       follow_redirects=True).get_data(as_text=True)
    assert "No changes to save." in page


def test_stale_save_is_shown_as_a_conflict_and_nothing_is_lost(
        client: FlaskClient, assessment: AssessmentRecord, store: Store) -> None:
    stale_page = form_for(client, item_url(assessment))
    colleague = dict(stale_page, **{answer_key("4.1.2.a"): "Colleague's text"})
    assert client.post(item_url(assessment), data=colleague).status_code == 302

    mine = dict(stale_page, **{answer_key("4.1.2.a"): "My text",
                               answer_key("4.1.2.b"): "My other answer"})
    response = client.post(item_url(assessment), data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Colleague&#39;s text" in page  # their version, shown escaped
    assert form_fields(page)[answer_key("4.1.2.a")] == "My text"
    stored = load_answers(store.assessment_data(assessment.id))
    assert stored["4.1.2.a"].text == "Colleague's text"  # not overwritten
    assert stored["4.1.2.b"].text == "My other answer"  # the question without conflict saved

    # Saving again from the conflict page is a deliberate overwrite and succeeds.
    again = form_fields(page)
    assert client.post(item_url(assessment), data=again).status_code == 302
    assert load_answers(store.assessment_data(assessment.id))["4.1.2.a"].text == "My text"


OVER_LIMIT = {
    "en": "This answer has 20,001 characters; one answer holds at most 20,000. Shorten it; "
          "nothing on this page was saved, your text is kept below.",
    "zh-CN": "此回答有 20,001 个字符，每个回答最多 20,000 个字符。请删减；本页内容均未保存，"
             "您的文字保留在下方。",
}


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("letter", ["质", "q"], ids=["chinese", "english"])
def test_oversized_answer_is_refused_in_characters_and_the_text_kept(
        client: FlaskClient, assessment: AssessmentRecord, store: Store, language: str,
        letter: str) -> None:
    long_text = letter * (MAX_ANSWER_CHARS + 1) + "\n\n   "  # blank space is not counted
    response = client.post(item_url(assessment), headers={"Accept-Language": language}, data={
        answer_key("4.1.2.a"): long_text, revision_key("4.1.2.a"): "0",
        answer_key("4.1.2.b"): "short", revision_key("4.1.2.b"): "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html_lib.escape(OVER_LIMIT[language], quote=False) in page
    fields = form_fields(page)
    assert fields[answer_key("4.1.2.a")] == long_text
    assert fields[answer_key("4.1.2.b")] == "short"
    assert load_answers(store.assessment_data(assessment.id)) == {}


@pytest.mark.parametrize("letter", ["质", "q", "😀"], ids=["chinese", "english", "emoji"])
def test_an_answer_of_as_many_characters_as_the_limit_is_saved_in_any_script(
        client: FlaskClient, assessment: AssessmentRecord, store: Store, letter: str) -> None:
    text = "\n\n".join([letter * (MAX_ANSWER_CHARS // 4)] * 4)  # line breaks do not count
    response = client.post(item_url(assessment), data={answer_key("4.1.2.a"): text,
                                                       revision_key("4.1.2.a"): "0"})
    assert response.status_code == 302
    assert load_answers(store.assessment_data(assessment.id))["4.1.2.a"].text == text
    page = client.get(item_url(assessment)).get_data(as_text=True)
    assert "20,000 / 20,000 characters" in page  # the count and the limit, under the box


@pytest.mark.parametrize(("language", "counter", "total"), [
    ("en", "8 / 20,000 characters",
     "Self-assessment report: 8 / 60,000 characters, 8 on this page"),
    ("zh-CN", "8 / 20,000 个字符", "自评报告：8 / 60,000 个字符，本页 8 个"),
])
def test_answer_page_counts_characters_as_the_award_does(
        client: FlaskClient, assessment: AssessmentRecord, language: str, counter: str,
        total: str) -> None:
    client.post(item_url(assessment), data={answer_key("4.1.2.a"): "质量 first\n\n好",
                                            revision_key("4.1.2.a"): "0"})
    page = client.get(item_url(assessment), headers={"Accept-Language": language}
                      ).get_data(as_text=True)
    assert counter in page and total in page
    # The wording for the script, its figures as placeholders, in the same language.
    assert 'data-limit="20000"' in page and 'data-limit="60000"' in page
    assert "{count} / {limit}" in page


def test_profile_page_counts_the_profile_against_its_limit(
        client: FlaskClient, assessment: AssessmentRecord) -> None:
    client.post(item_url(assessment), data={answer_key("4.1.2.a"): "x" * 10,
                                            revision_key("4.1.2.a"): "0"})
    url = f"/a/{assessment.id}/profile"
    client.post(url, data={answer_key("P.1.a"): "p" * 3001, revision_key("P.1.a"): "0"})
    page = client.get(url).get_data(as_text=True)
    assert "Profile: 3,001 / 3,000 characters" in page
    assert re.search(r'class="length-total over-limit"', page)
    assert re.search(r'<strong class="over-note" >\s*Over the award application limit', page)
    # An item page adds its own answers to the rest of the report's (not the profile's).
    item_page = client.get(item_url(assessment, "4.1.3")).get_data(as_text=True)
    assert "Self-assessment report: 10 / 60,000 characters, 0 on this page" in item_page
    assert 'data-elsewhere="10"' in item_page


def test_markdown_is_rendered_and_sanitized(client: FlaskClient,
                                            assessment: AssessmentRecord) -> None:
    hostile = ("**Bold** <script>alert(1)</script> [link](javascript:alert(2)) "
               "<img src=x onerror=alert(3)> [ok](https://example.org)")
    client.post(item_url(assessment), data={answer_key("4.1.2.a"): hostile,
                                            revision_key("4.1.2.a"): "0"})
    page = client.get(f"/a/{assessment.id}/answers").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page
    assert 'href="https://example.org"' in page


@pytest.mark.parametrize("url", ["/a/000000000000/", "/a/nonsense/items/4.1.2",
                                 "/a/{id}/items/9.9.9", "/a/{id}/items/4.1"])
def test_unknown_assessment_or_item_is_a_404_page(client: FlaskClient,
                                                  assessment: AssessmentRecord, url: str) -> None:
    response = client.get(url.format(id=assessment.id))
    assert response.status_code == 404
    assert "Back to the assessments" in response.get_data(as_text=True)


def test_previous_and_next_navigation(client: FlaskClient, assessment: AssessmentRecord) -> None:
    first = client.get(item_url(assessment, "4.1.2")).get_data(as_text=True)
    assert f'href="/a/{assessment.id}/profile" rel="prev"' in first
    assert f'href="/a/{assessment.id}/items/4.1.3" rel="next"' in first
    second = client.get(item_url(assessment, "4.1.3")).get_data(as_text=True)
    assert f'href="/a/{assessment.id}/items/4.1.2" rel="prev">← 4.1.2 ' in second
    last = client.get(item_url(assessment, "4.7.7")).get_data(as_text=True)
    assert 'rel="next"' not in last
    profile = client.get(f"/a/{assessment.id}/profile").get_data(as_text=True)
    assert 'rel="prev"' not in profile
    assert f'href="/a/{assessment.id}/items/4.1.2" rel="next">4.1.2 ' in profile


def test_profile_page_saves_profile_answers(client: FlaskClient, assessment: AssessmentRecord,
                                            store: Store) -> None:
    url = f"/a/{assessment.id}/profile"
    assert client.post(url, data={answer_key("P.2.a"): "We compete on precision.",
                                  revision_key("P.2.a"): "0"}).status_code == 302
    assert load_answers(store.assessment_data(assessment.id))["P.2.a"].revision == 1


def signed_in_with_csrf(csrf_app: Flask, role: Role
                        ) -> tuple[Store, AssessmentRecord, FlaskClient]:
    """An assessment on the app with CSRF protection on, and a client of "writer", who holds
    `role` in it."""
    store = csrf_app.extensions[STORE_KEY]
    record = gen_assessment(store, "Org", "2026", "gbt19580-2012.yaml", "2026-01-01T00:00:00+00:00")
    csrf_app.extensions[USERS_KEY].create("writer", "Writer", PASSWORD)
    add_role(store.assessment_data(record.id), "writer", role)
    return store, record, sign_in_client(csrf_app, "writer")


def test_missing_csrf_token_saves_nothing_but_keeps_the_text(csrf_app) -> None:  # type: ignore[no-untyped-def]
    store, record, client = signed_in_with_csrf(csrf_app, Role.COORDINATOR)
    response = client.post(item_url(record), data={answer_key("4.1.2.a"): "My long answer",
                                                   revision_key("4.1.2.a"): "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page
    assert form_fields(page)[answer_key("4.1.2.a")] == "My long answer"  # text handed back
    assert load_answers(store.assessment_data(record.id)) == {}

    # The page it returns carries a fresh token, so saving again works.
    token = csrf_token(page)
    again = client.post(item_url(record), data={answer_key("4.1.2.a"): "My long answer",
                                                revision_key("4.1.2.a"): "0", "csrf_token": token})
    assert again.status_code == 302
    assert load_answers(store.assessment_data(record.id))["4.1.2.a"].text == "My long answer"


def test_csrf_error_elsewhere_is_a_plain_error_page(csrf_app) -> None:  # type: ignore[no-untyped-def]
    csrf_app.extensions[USERS_KEY].create("writer", "Writer", PASSWORD)
    client = sign_in_client(csrf_app, "writer")
    response = client.post("/assessments/new", data={"organization": "X"})
    assert response.status_code == 400
    assert "Form expired or not sent from assessor" in response.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_expired_form_on_a_page_one_may_not_write_is_refused_not_a_crash(csrf_app) -> None:  # type: ignore[no-untyped-def]
    _, record, client = signed_in_with_csrf(csrf_app, Role.WRITER)
    response = client.post(item_url(record), data={answer_key("4.1.2.a"): "x"})
    assert response.status_code == 403


def test_fields_without_errors_carry_no_aria_invalid(client: FlaskClient,
                                                     assessment: AssessmentRecord) -> None:
    """aria-invalid is "true" on a field with an error and absent otherwise (never "None")."""
    for url in (item_url(assessment), f"/a/{assessment.id}/profile", "/account"):
        page = client.get(url).get_data(as_text=True)
        assert "aria-invalid" not in page, url
