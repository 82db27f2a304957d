"""The interface in Chinese and English: catalogue complete and compiled, terms as the glossary
says, placeholders kept; the language from the account, the switch, the browser or the default;
pages in one language with the other a click away; dates in the reader's time zone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from assessor import create_app
from assessor.access import Role
from assessor.i18n import LANGUAGE_COOKIE, TRANSLATIONS_DIR, normalize
from assessor.organizations import AssessmentRecord
from assessor.users import Users

from .conftest import COORDINATOR, PASSWORD, app_config, csrf_token, sign_in_client

ROOT = Path(__file__).resolve().parents[1]
PO_FILE = TRANSLATIONS_DIR / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")
GLOSSARY = TRANSLATIONS_DIR / "glossary.tsv"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdrf]|%[sdrf]")
ZH, EN = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}, {"Accept-Language": "en-US,en;q=0.9"}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


# -- the catalogue ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Found:
    msgid: str | tuple[str, str]
    context: str | None  # pgettext's context, where a word needs two translations
    where: str  # file:line

    @property
    def key(self) -> str:
        return self.msgid[0] if isinstance(self.msgid, tuple) else self.msgid


def extracted() -> list[Found]:
    """Every message in templates/ and assessor/, as `pybabel extract -F babel.cfg` finds it."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
    return [Found(message, context, f"{filename}:{line}")
            for filename, line, message, _comments, context in extract_from_dir(
                str(ROOT), method_map, options_map, keywords=keywords)]


def catalogue() -> Catalog:
    with open(PO_FILE, "rb") as po:
        return read_po(po, locale="zh_Hans_CN")


def key(msgid: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """A message id as a dict key (the compiled catalogue gives plural ids as lists)."""
    return msgid if isinstance(msgid, str) else tuple(msgid)


def translations(message) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    strings = (tuple(message.string) if isinstance(message.string, list | tuple)
               else (message.string,))
    return tuple(s for s in strings if s)


def test_extraction_finds_the_interface() -> None:
    found = {item.key for item in extracted()}
    assert {"Sign in", "Interface language", "Writing", "Criteria in both languages"} <= found


def test_every_message_is_in_the_catalogue_and_translated() -> None:
    """Run `pybabel extract/update` (README, "Translating") and translate what this names."""
    po = catalogue()
    problems = []
    for item in extracted():
        message = po.get(item.key, context=item.context)
        if message is None:
            problems.append(f"{item.where}: not in the catalogue: {item.msgid!r}")
        elif message.fuzzy or not translations(message):
            problems.append(f"{item.where}: no zh_CN translation: {item.msgid!r}")
        elif isinstance(item.msgid, tuple) and message.id != item.msgid:
            problems.append(f"{item.where}: plural form differs in the catalogue: {item.msgid!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    """`pybabel compile -d assessor/translations` after every change to the .po file."""
    with open(MO_FILE, "rb") as mo:
        compiled = read_mo(mo)
    expected = {(m.context, key(m.id)): translations(m) for m in catalogue()
                if m.id and not m.fuzzy and translations(m)}
    shipped = {(m.context, key(m.id)): translations(m) for m in compiled if m.id}
    assert shipped == expected


def test_placeholders_survive_translation() -> None:
    problems = []
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for text in translations(message):
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{ids[0]!r}: {text!r} has {set(PLACEHOLDER.findall(text))}, "
                                f"not {wanted}")
                continue
            try:  # a stray "%" breaks the formatting the page does
                text % {name: 1 for name in wanted} if wanted else text % ()
            except (TypeError, ValueError, KeyError) as error:
                if "%" in text or wanted:
                    problems.append(f"{ids[0]!r}: {text!r} does not format: {error}")
    assert not problems, "\n".join(problems)


def glossary() -> list[tuple[tuple[str, ...], str]]:
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese, *_note = line.split("\t")
        terms.append((tuple(form.strip() for form in english.split("|")), chinese.strip()))
    return terms


def test_glossary_is_well_formed() -> None:
    terms = glossary()
    assert len(terms) >= 20
    for forms, chinese in terms:
        assert forms and all(forms) and CJK.search(chinese), (forms, chinese)


def test_translations_use_the_glossary_terms() -> None:
    """One Chinese term per thing: a message that says "examiner" says 评审员, and so on."""
    terms = [(re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b",
                         re.IGNORECASE), forms[0], chinese) for forms, chinese in glossary()]
    problems = []
    for message in catalogue():
        if not message.id:
            continue
        english = " ".join(message.id if isinstance(message.id, tuple) else (message.id,))
        words = re.sub(r"<[^>]+>", " ", PLACEHOLDER.sub(" ", english))
        for pattern, term, chinese in terms:
            if pattern.search(words):
                for text in translations(message):
                    if chinese not in text:
                        problems.append(f"{english!r}: '{term}' is {chinese}, not in {text!r}")
    assert not problems, "\n".join(problems)


# -- choosing the language --------------------------------------------------------------------
@pytest.mark.parametrize(("tag", "language"), [
    ("zh", "zh_CN"), ("zh-CN", "zh_CN"), ("zh_TW", "zh_CN"), ("zh-Hant-HK", "zh_CN"),
    ("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("fr", None), ("*", None), ("", None),
    (None, None), ("zhx", None)])
def test_language_tags(tag: str | None, language: str | None) -> None:
    assert normalize(tag) == language


def page_language(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize(("header", "expected"), [
    ("zh-CN,zh;q=0.9", "zh-CN"), ("zh-TW", "zh-CN"), ("en-US,en;q=0.9", "en"),
    ("fr-FR,zh;q=0.8,en;q=0.5", "zh-CN"), ("fr-FR,en;q=0.8,zh;q=0.5", "en"),
    ("de-DE", "en"), ("", "en")])
def test_sign_in_page_follows_accept_language(app: Flask, header: str, expected: str) -> None:
    html = app.test_client().get("/login", headers={"Accept-Language": header}).get_data(
        as_text=True)
    assert page_language(html) == expected
    assert ("登录" in html) == (expected == "zh-CN")


def test_installation_default_applies_without_a_browser_preference(tmp_path: Path) -> None:
    app = create_app(app_config(tmp_path, DEFAULT_LANGUAGE="zh-CN"))
    assert app.config["DEFAULT_LANGUAGE"] == "zh_CN"
    assert page_language(app.test_client().get("/login").get_data(as_text=True)) == "zh-CN"
    english = app.test_client().get("/login", headers=EN).get_data(as_text=True)
    assert page_language(english) == "en"


@pytest.mark.parametrize("setting", [{"DEFAULT_LANGUAGE": "fr"},
                                     {"DEFAULT_TIMEZONE": "Mars/Olympus_Mons"}])
def test_a_wrong_setting_stops_the_start(tmp_path: Path, setting: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(setting))):
        create_app(app_config(tmp_path, **setting))


def switch(client: FlaskClient, language: str, next_page: str = "/", **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/language", data={"language": language, "next": next_page},
                       headers=headers)


def test_the_switch_before_sign_in_lasts_through_sign_in(app: Flask, users: Users) -> None:
    users.create("wang", "王芳", PASSWORD)
    client = app.test_client()
    response = switch(client, "zh_CN", "/login?next=%2F", **EN)
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2F"
    assert LANGUAGE_COOKIE in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    login = client.get("/login", headers=EN).get_data(as_text=True)
    assert page_language(login) == "zh-CN" and "<h1>登录</h1>" in login
    client.post("/login", data={"username": "wang", "password": PASSWORD}, headers=EN)
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert page_language(home) == "zh-CN" and "退出登录" in home
    assert users.get("wang").language is None  # chosen before sign-in: not on the account


def test_the_switch_persists_on_the_account(app: Flask, users: Users) -> None:
    users.create("li", "李雷", PASSWORD)
    client = sign_in_client(app, "li")
    response = switch(client, "zh_CN", "/", **EN)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert users.get("li").language == "zh_CN"
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert "界面语言已切换为中文" in home  # said in the new language
    client.post("/logout")
    # Another browser that prefers English, without the cookie: the account decides.
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"username": "li", "password": PASSWORD}, headers=EN)
    page = elsewhere.get("/", headers=EN).get_data(as_text=True)
    assert page_language(page) == "zh-CN" and "退出登录" in page and "Sign out" not in page
    # And back to English, on the account too.
    switch(elsewhere, "en", "/", **ZH)
    assert users.get("li").language == "en"
    assert page_language(elsewhere.get("/", headers=ZH).get_data(as_text=True)) == "en"


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:/evil.example", "javascript:alert(1)",
    "/\\evil.example", "\\\\evil.example", "evil.example", "/ok\r\nSet-Cookie: x=1", ""])
def test_the_switch_goes_back_only_to_this_site(app: Flask, target: str) -> None:
    response = switch(app.test_client(), "zh_CN", target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"  # signed out: the sign-in page


def test_the_switch_refuses_an_unknown_language(app: Flask, users: Users) -> None:
    assert switch(app.test_client(), "fr").status_code == 400
    assert switch(app.test_client(), "zh").status_code == 400  # the values the form offers


def test_the_switch_needs_the_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    assert switch(client, "zh_CN").status_code == 400
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/language", data={"language": "zh_CN", "next": "/login",
                                              "csrf_token": token})
    assert response.status_code == 302


def test_every_page_has_the_switch(client: FlaskClient, assessment: AssessmentRecord) -> None:
    anonymous = client.application.test_client()
    for reader, url in ((client, "/"), (client, f"/a/{assessment.id}/"),
                        (anonymous, "/login?next=/x")):
        html = reader.get(url, headers=ZH).get_data(as_text=True)
        assert 'action="/language"' in html, url
        assert '<span class="language-current" lang="zh-CN" aria-current="true">中文</span>' in html
        assert 'name="language" value="en"' in html
    assert 'name="next" value="/login"' in anonymous.get("/login").get_data(as_text=True)


# -- pages in Chinese and in English ------------------------------------------------------------
ITEM = "4.1.2"
PHASES = ("writing", "review", "consensus", "feedback")


@pytest.fixture
def cycle(app: Flask, assessment: AssessmentRecord, add_member: Callable[..., None],
          client: FlaskClient, sign_in: Callable[..., FlaskClient]
          ) -> Iterator[Callable[[str], None]]:
    """The `assessment` walked through its phases on the web: `advance(phase)` moves it on,
    with an examiner's submitted review before consensus and a consensus before feedback."""
    add_member(assessment, "examiner", Role.EXAMINER, (ITEM,))
    add_member(assessment, "writer", Role.WRITER, (ITEM,))
    add_member(assessment, "leader", Role.LEADER)
    base = f"/a/{assessment.id}"
    examiner = sign_in("examiner")
    shown = ["writing"]

    def advance(target: str) -> None:
        if target == "consensus":
            assert examiner.post(f"{base}/review/items/{ITEM}", data={
                "score": "50", "note_approach": "Documented, yearly.", "strengths":
                "A yearly strategy review", "ofis": "Few trends", "submit_entry": "1",
            }).status_code == 302
        if target == "feedback":
            assert client.post(f"{base}/consensus/items/{ITEM}", data={
                "score": "55", "rationale": "Agreed on the evidence.",
                "strengths": "A yearly strategy review", "ofis": "Few trends",
            }).status_code == 302
        assert client.post(f"{base}/team/phase", data={
            "shown": shown[-1], "target": target, "confirm": "yes"}).status_code == 302
        shown.append(target)

    yield advance


# (url, who reads it, the phase to reach first, Chinese that must show, English that must not)
PAGES = [
    ("/login", None, "writing", ["登录", "用户名", "密码"], ["Sign in", "Username", "Password"]),
    ("/", COORDINATOR, "writing", ["自评", "周期", "阶段", "您的角色", "撰写"],
     ["Assessments", "Your role", "Sign out", "Phase"]),
    ("{a}/", COORDINATOR, "writing", ["概览", "阅读回答", "组织概述", "领导", "已回答"],
     ["Overview", "Read answers", "Answered", "Category / item", "not scored", "Leadership"]),
    ("{a}/items/4.1.2", "writer", "writing",
     ["过程类条目", "保存回答", "高层领导的作用", "个字符"],
     ["Process item", "Save answers", "Role of senior leaders", "characters"]),
    ("{a}/answers", COORDINATOR, "writing", ["回答", "尚未回答。", "编辑"],
     ["Not answered yet.", ">edit<"]),
    ("{a}/team/", COORDINATOR, "writing", ["团队与分工", "成员", "覆盖情况", "评审员", "协调人"],
     ["Team and assignments", "Members", "Coverage", "Add to the team"]),
    ("{a}/team/phase", COORDINATOR, "writing", ["阶段", "下一步", "进入：独立评审"],
     ["Next step", "Open Independent review"]),
    ("{a}/team/audit", COORDINATOR, "review", ["审核记录", "时间（Asia/Shanghai）", "阶段已变更"],
     ["Audit trail", "When (", "phase changed"]),
    ("{a}/review/items/4.1.2", "examiner", "review",
     ["评分", "各维度评语", "强项和改进机会", "评分分数段", "方法"],
     ["Notes per dimension", "Scoring bands", "Approach", "Role of senior leaders"]),
    ("{a}/review/", "examiner", "review", ["独立评审", "您的条目", "您的评分"],
     ["Independent review", "Your items", "Your score"]),
    ("{a}/consensus/", COORDINATOR, "consensus",
     ["共识", "评审员", "平均值", "中位数", "各类目得分", "评审员之间的一致性"],
     ["Examiner columns", "Mean", "Median", "Points by category", "Agreement among"]),
    ("{a}/consensus/items/4.1.2", COORDINATOR, "consensus",
     ["评审员评分", "各维度评语", "团队共识", "记录共识"],
     ["Examiners' scores", "Notes by dimension", "Team consensus", "Record the consensus"]),
    ("{a}/report/", "leader", "feedback",
     ["反馈报告", "评分一览", "强项", "改进机会", "评分分数段"],
     ["Feedback report", "Scores at a glance", "Opportunities for improvement", "Score band"]),
]


def visible_text(html: str) -> str:
    """The page's text without markup, scripts, the language switch and form token values."""
    html = re.sub(r'<form[^>]*class="[^"]*language-switch.*?</form>', " ", html, flags=re.S)
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(("url", "reader", "phase", "chinese", "english"), PAGES,
                         ids=[page[0] for page in PAGES])
def test_pages_in_chinese_and_in_english(
        app: Flask, assessment: AssessmentRecord, cycle: Callable[[str], None],
        sign_in: Callable[..., FlaskClient], url: str, reader: str | None, phase: str,
        chinese: list[str], english: list[str]) -> None:
    for step in PHASES[1:PHASES.index(phase) + 1]:
        cycle(step)
    client = sign_in(reader) if reader else app.test_client()
    address = url.format(a=f"/a/{assessment.id}")
    in_chinese = client.get(address, headers=ZH)
    assert in_chinese.status_code == 200, address
    zh_page = in_chinese.get_data(as_text=True)
    assert page_language(zh_page) == "zh-CN"
    for text in chinese:
        assert text in zh_page, f"{address}: no {text!r} in Chinese"
    for text in english:
        assert text not in zh_page, f"{address}: {text!r} in the Chinese page"
    en_page = client.get(address, headers=EN).get_data(as_text=True)
    assert page_language(en_page) == "en"
    # In English, nothing Chinese shows but the switch's own name for Chinese.
    assert not CJK.findall(visible_text(en_page)), CJK.findall(visible_text(en_page))[:20]


def test_both_languages_one_click_away(client: FlaskClient,
                                       assessment: AssessmentRecord) -> None:
    url = f"/a/{assessment.id}/items/{ITEM}"
    one = client.get(url, headers=ZH).get_data(as_text=True)
    assert "高层领导的作用" in one and "Role of senior leaders" not in one
    assert f'href="{url}?both=1"' in one and "准则中英对照" in one
    both = client.get(url + "?both=1", headers=ZH).get_data(as_text=True)
    assert "高层领导的作用" in both
    assert '<span lang="en" class="other-lang">Role of senior leaders</span>' in both
    assert f'href="{url}"' in both and "只显示中文准则" in both
    english = client.get(url + "?both=1", headers=EN).get_data(as_text=True)
    assert '<span lang="en">Role of senior leaders</span>' in english
    assert '<span lang="zh-CN" class="other-lang">高层领导的作用</span>' in english


def test_the_consensus_table_is_cached_per_language(
        app: Flask, assessment: AssessmentRecord, cycle: Callable[[str], None],
        client: FlaskClient) -> None:
    cycle("review")
    cycle("consensus")
    url = f"/a/{assessment.id}/consensus/"
    assert "评审员列" in client.get(url, headers=ZH).get_data(as_text=True)
    english = client.get(url, headers=EN).get_data(as_text=True)
    assert "Examiner columns" in english and "评审员列" not in english


# -- dates and numbers --------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "zone", "expected"), [
    ("zh-CN", None, "2026/3/1 08:30"),  # Chinese: Beijing time
    ("en", None, "3/1/26, 12:30\u202fAM"),  # English: UTC
    ("en", "Asia/Shanghai", "3/1/26, 8:30\u202fAM"),
    ("zh-CN", "UTC", "2026/3/1 00:30")])
def test_times_in_the_readers_zone_and_format(tmp_path: Path, header: str, zone: str | None,
                                               expected: str) -> None:
    app = create_app(app_config(tmp_path, DEFAULT_TIMEZONE=zone))
    with app.test_request_context(headers={"Accept-Language": header}):
        shown = render_template_string("{{ '2026-03-01T00:30:00+00:00'|localdatetime }}")
    assert shown == f'<time datetime="2026-03-01T00:30:00+00:00">{expected}</time>'


def test_numbers_as_the_language_writes_them(app: Flask) -> None:
    template = "{{ 60000|decimalformat }} {{ 0.25|percentformat }} {{ ['甲', '乙', '丙']|list_of }}"
    with app.test_request_context(headers=ZH):
        assert render_template_string(template) == "60,000 25% 甲、乙和丙"
    with app.test_request_context(headers=EN):
        assert render_template_string(template.replace("'甲', '乙', '丙'", "'a', 'b', 'c'")
                                      ) == "60,000 25% a, b and c"


def test_criteria_texts_in_the_chosen_language(app: Flask) -> None:
    text = {"zh": "领导", "en": "Leadership"}
    with app.test_request_context(headers=ZH):
        assert render_template_string("{{ t|localized }}", t=text) == "领导"
    with app.test_request_context(headers=EN):
        assert render_template_string("{{ t|localized }}", t=text) == "Leadership"
        assert render_template_string("{{ t|localized }}", t={"zh": "只有中文", "en": ""}
                                      ) == "只有中文"  # a missing text falls back
