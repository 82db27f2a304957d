"""The framework as data: the real GB/T 19580 file, every kind of broken file, `criteria check`.

Broken files are built from tests/fixtures/criteria/minimal.yaml (a small valid framework) by
a few text edits each, so that every variant carries exactly the problem its test is about.
Expected lines are looked up in the edited text, not counted by hand.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner

from assessor.criteria import (
    Framework,
    FrameworkError,
    ItemKind,
    Problem,
    Question,
    Text,
    check_framework,
    load_framework,
)

MINIMAL = Path(__file__).parent / "fixtures" / "criteria" / "minimal.yaml"

# GB/T 19580-2012: points per category, and the six results items of 4.7.
REFERENCE_CATEGORY_POINTS = {
    "4.1": 110, "4.2": 90, "4.3": 90, "4.4": 130, "4.5": 100, "4.6": 80, "4.7": 400,
}
RESULTS_ITEMS = ["4.7.2", "4.7.3", "4.7.4", "4.7.5", "4.7.6", "4.7.7"]
# Item scoring bands of the reference scoring guidelines, in percent, for both kinds of item.
REFERENCE_BANDS = [(0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100)]
YES_NO_OPENER = re.compile(r"(Do|Does|Is|Are|Has|Have|Can)\b")
# The question letters of the first release (17 in the profile, 209 in items): answers may point
# at any of them, so each must stay in the file, asked or retired, for good.
FIRST_RELEASE_LETTERS = {
    "P.1": "abcdefghij", "P.2": "abcdefg",
    "4.1.2": "abcdefghijk", "4.1.3": "abcdefghi", "4.1.4": "abcdefghi", "4.2.2": "abcdefghij",
    "4.2.3": "abcdefghij", "4.3.2": "abcdefghij", "4.3.3": "abcdefghijk", "4.4.2": "abcdefghijkl",
    "4.4.3": "abcdefgh", "4.4.4": "abcdefghi", "4.4.5": "abcdefgh", "4.4.6": "abcdefg",
    "4.4.7": "abcdefg", "4.5.2": "abcdefghij", "4.5.3": "abcdefghijk", "4.6.2": "abcdefghij",
    "4.6.3": "abcdefghi", "4.7.2": "abcdefgh", "4.7.3": "abcdefgh", "4.7.4": "abcdefgh",
    "4.7.5": "abcdefgh", "4.7.6": "abcdefgh", "4.7.7": "abcdefgh",
}
# The 2026-11 wording review (issue 8): duplicates retired into the question that now asks it.
RETIRED_2026_11 = {
    "4.1.4.e": "4.1.4.d", "4.5.3.g": "4.6.3.b", "4.5.3.h": "4.6.2.h", "4.5.3.j": "4.6.3.h",
}
# Terms the review replaced; none may come back in a question asked or a scoring text.
SUPERSEDED_TERMS = [
    "行动计划", "愿景、使命", "公众关注", "钱包份额", "可行动的", "容许经过评估", "保持敏感",
    "失效模式风险评估", "顾客参与", "先行指标", "单位销量保修索赔", "损工伤害率", "单位产能产出",
    "供方自我认证", "还没有人", "推行", "至少近三年", "三年以上", "leading indicator",
]
TREND_ZH = "至少三个周期（一般为近三年及以上）"
TREND_EN = "over at least three periods (usually the last three years or more)"
# What every results question asked before review C (results questions) moved it into the four
# LeTCI prompts under each of them: levels, trends, comparisons and segments.
RESULTS_BOILERPLATE_ZH = ["至少三个周期", "近三年及以上", "当前水平", "的趋势", "相比如何",
                          "相比处于", "差距多大", "细分有何差异", "细分的情况", "有何差异"]
RESULTS_BOILERPLATE_EN = ["three periods", "the last three years or more", "current level",
                          "level and trend", "levels and trends", "how do they compare",
                          "how do these figures compare", "how do they differ", "how do they vary",
                          "break down by", "differ by", "vary by"]
RESULTS_NOTE = "2026-11: review C (results questions): asks which measures and what they show"

Edit = tuple[str, str]


# -- helpers -----------------------------------------------------------------------------------

def variant(*edits: Edit) -> str:
    """The minimal framework text with each edit (old -> new) applied to old's first occurrence."""
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"tests/fixtures/criteria/minimal.yaml no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which needle first occurs in text."""
    assert needle in text, f"{needle!r} is not in the text"
    return text[: text.index(needle)].count("\n") + 1


def write(tmp_path: Path, text: str, name: str = "framework.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclasses.dataclass(frozen=True)
class Expected:
    """One problem a broken file must report."""

    entry: str
    at: str | None  # the problem's line is the one where this text first occurs; None: no line
    says: tuple[str, ...]  # fragments its message must contain

    def line_in(self, text: str) -> int | None:
        return line_of(text, self.at) if self.at is not None else None


def assert_problems(path: Path, text: str, expected: Iterable[Expected]) -> None:
    """check_framework(path) reports exactly the expected problems, in any order."""
    _, problems = check_framework(path)
    got = sorted(problems, key=lambda p: (p.line or 0, p.entry))
    want = sorted(expected, key=lambda e: (e.line_in(text) or 0, e.entry))
    assert [(p.file, p.entry, p.line) for p in got] == [
        (str(path), e.entry, e.line_in(text)) for e in want
    ], "\n".join(map(str, problems))
    for problem, exp in zip(got, want, strict=True):
        for fragment in exp.says:
            assert fragment in problem.message, str(problem)


def texts_in(node: object, where: str = "framework") -> Iterator[tuple[str, Text]]:
    """Every Text reachable from node (dataclasses, tuples, mappings), with where it was found."""
    if isinstance(node, Text):
        yield where, node
    elif dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            yield from texts_in(getattr(node, field.name), f"{where}.{field.name}")
    elif isinstance(node, tuple):
        for index, child in enumerate(node):
            yield from texts_in(child, f"{where}[{index}]")
    elif isinstance(node, Mapping):
        for key, child in node.items():
            yield from texts_in(child, f"{where}[{key!r}]")


def check(runner: FlaskCliRunner, path: Path) -> Result:
    return runner.invoke(args=["criteria", "check", str(path)])


@pytest.fixture
def framework(framework_path: Path) -> Framework:
    return load_framework(framework_path)


# -- the real file ---------------------------------------------------------------------------

def test_real_file_has_no_problems(framework_path: Path) -> None:
    _, problems = check_framework(framework_path)
    assert problems == []


def test_real_file_shape(framework: Framework) -> None:
    assert len(framework.categories) == 7
    assert len(framework.items) == 23
    assert framework.total_points == 1000
    assert sum(category.points for category in framework.categories) == 1000


@pytest.mark.parametrize("category_id, points", REFERENCE_CATEGORY_POINTS.items())
def test_category_points_match_the_reference(framework: Framework, category_id: str,
                                             points: int) -> None:
    category = framework.category(category_id)
    assert category.points == points
    assert sum(item.points for item in category.items) == points
    assert {item.category_id for item in category.items} == {category_id}


def test_process_and_results_points(framework: Framework) -> None:
    results = [item for item in framework.items if item.kind is ItemKind.RESULTS]
    process = [item for item in framework.items if item.kind is ItemKind.PROCESS]
    assert [item.id for item in results] == RESULTS_ITEMS
    assert sum(item.points for item in process) == 600
    assert sum(item.points for item in results) == 400


def test_questions_are_plentiful_and_unique(framework: Framework) -> None:
    ids = [question.id for question in framework.iter_questions()]
    assert len(ids) >= 200
    assert len(set(ids)) == len(ids)
    thin = {item.id: len(item.questions) for item in framework.items if len(item.questions) < 5}
    assert thin == {}


def test_no_question_id_of_the_first_release_is_dropped(framework: Framework) -> None:
    first_release = [f"{parent}.{letter}" for parent, letters in FIRST_RELEASE_LETTERS.items()
                     for letter in letters]
    assert len(first_release) == 17 + 209
    assert [qid for qid in first_release if not framework.has_question(qid)] == []


def test_retired_questions_of_the_real_file(framework: Framework) -> None:
    retired = {q.id: q.retired.merged_into for q in framework.iter_retired_questions()
               if q.retired is not None}
    assert retired == RETIRED_2026_11
    asked = {q.id for q in framework.iter_questions()}
    assert asked.isdisjoint(retired) and set(retired.values()) <= asked
    for qid in retired:
        question, item = framework.question(qid), framework.item_of(qid)
        assert item is not None and question in item.retired_questions
        assert question not in item.questions
        assert question.retired is not None and question.retired.reason.en.strip()
        assert question.changes  # the file says what happened to it


def test_every_changed_question_says_why(framework: Framework) -> None:
    """Each note on a question names the revision it belongs to."""
    notes = [(q.id, note) for item in framework.items
             for q in (*item.questions, *item.retired_questions) for note in q.changes]
    assert len(notes) >= 60
    assert [(qid, note) for qid, note in notes if not note.startswith("2026-11: ")] == []


def test_superseded_terms_are_gone(framework: Framework) -> None:
    asked = [(q.id, q.text) for q in framework.iter_questions()]
    scoring = list(texts_in(framework.scoring, "scoring"))
    found = [(where, term) for where, text in asked + scoring for term in SUPERSEDED_TERMS
             if term in text.zh or term in text.en]
    assert found == []


def results_questions(framework: Framework) -> list[Question]:
    return [q for item in framework.items if item.kind is ItemKind.RESULTS
            for q in item.questions]


def test_results_questions_ask_which_measures_and_what_they_show(framework: Framework) -> None:
    """Review C: the level, trend, comparison and segmentation asked in every results question
    are now the LeTCI prompts shown under it; the questions keep their measures."""
    questions = results_questions(framework)
    assert len(questions) == 51
    boilerplate = [(q.id, phrase) for q in questions
                   for phrase in RESULTS_BOILERPLATE_ZH if phrase in q.text.zh]
    boilerplate += [(q.id, phrase) for q in questions
                    for phrase in RESULTS_BOILERPLATE_EN if phrase in q.text.en.lower()]
    assert boilerplate == []
    assert [q.id for q in questions if "哪些" not in q.text.zh
            or not q.text.en.startswith("Which ")] == []
    # Each keeps the indicator examples it gave, the service examples of review C included.
    assert [q.id for q in questions if "，如" not in q.text.zh and "对照" not in q.text.zh] == []
    assert "服务项目一次验收通过率" in framework.question("4.7.2.a").text.zh
    assert "service volume per employee" in framework.question("4.7.6.a").text.en
    assert "单位建筑面积能耗" in framework.question("4.7.7.f").text.zh


def test_every_results_question_notes_the_rewording(framework: Framework) -> None:
    questions = results_questions(framework)
    assert [q.id for q in questions
            if sum(note.startswith(RESULTS_NOTE) for note in q.changes) != 1] == []


def test_the_trend_phrase_is_said_once_in_the_trends_prompt(framework: Framework) -> None:
    trends = framework.scoring.guidelines[ItemKind.RESULTS].dimensions[1]
    assert trends.id == "trends" and trends.prompt is not None
    assert TREND_ZH in trends.prompt.zh and TREND_EN in trends.prompt.en
    assert [q.id for q in framework.iter_questions()
            if TREND_ZH in q.text.zh or TREND_EN in q.text.en] == []


def test_answer_prompts_of_the_real_file(framework: Framework) -> None:
    """Every results question shows the results guideline's four dimensions, each with a short
    prompt for writers; process items and the profile show none."""
    dimensions = framework.scoring.guidelines[ItemKind.RESULTS].dimensions
    for item in framework.items:
        prompts = framework.answer_prompts(item)
        assert prompts == (dimensions if item.kind is ItemKind.RESULTS else ()), item.id
    assert framework.answer_prompts(None) == ()
    prompts = framework.answer_prompts(framework.item("4.7.3"))
    assert [d.id for d in prompts] == ["levels", "trends", "comparisons", "integration"]
    assert [d.title.zh for d in prompts] == ["水平", "趋势", "对比", "整合"]
    for dimension in prompts:
        assert dimension.prompt is not None and dimension.answer_prompt is dimension.prompt
        # Short enough to stand under every question (the examiner's question is longer).
        assert len(dimension.prompt.zh) <= 50 and len(dimension.prompt.en.split()) <= 30
    assert "细分" in prompts[3].prompt.zh and "segments" in prompts[3].prompt.en
    process = framework.scoring.guidelines[ItemKind.PROCESS].dimensions
    assert [d.prompt for d in process] == [None] * 4


def test_context_questions_of_the_real_file(framework: Framework) -> None:
    assert [q.id for q in framework.iter_questions() if q.context] == ["4.2.2.i", "4.2.3.b"]


def test_every_text_has_chinese_and_english(framework: Framework) -> None:
    texts = list(texts_in(framework))
    # The walk reaches deep texts too: at least every question and every band descriptor.
    assert len(texts) > len(list(framework.iter_questions())) + 2 * 6 * 4
    assert framework.item("4.7.7").questions[-1].text in {text for _, text in texts}
    missing = [where for where, text in texts if not text.zh.strip() or not text.en.strip()]
    assert missing == []


def test_english_questions_are_open_questions(framework: Framework) -> None:
    closed = [
        (question.id, question.text.en[:60])
        for question in framework.iter_questions()
        if not question.text.en.endswith("?") or YES_NO_OPENER.match(question.text.en)
    ]
    assert closed == []


def test_scoring_guidelines(framework: Framework) -> None:
    scoring = framework.scoring
    assert scoring.step == 5
    assert set(scoring.guidelines) == set(ItemKind)
    dimensions = {kind: [d.id for d in g.dimensions] for kind, g in scoring.guidelines.items()}
    assert dimensions == {
        ItemKind.PROCESS: ["approach", "deployment", "learning", "integration"],
        ItemKind.RESULTS: ["levels", "trends", "comparisons", "integration"],
    }
    for guideline in scoring.guidelines.values():
        assert [(band.min, band.max) for band in guideline.bands] == REFERENCE_BANDS
        for band in guideline.bands:
            assert set(band.dimensions) == {d.id for d in guideline.dimensions}


@pytest.mark.parametrize("kind", list(ItemKind))
@pytest.mark.parametrize("percent, band", [
    (0, (0, 5)), (5, (0, 5)), (10, (10, 25)), (25, (10, 25)), (50, (50, 65)),
    (95, (90, 100)), (100, (90, 100)),
])
def test_band_for(framework: Framework, kind: ItemKind, percent: int,
                  band: tuple[int, int]) -> None:
    found = framework.scoring.guidelines[kind].band_for(percent)
    assert (found.min, found.max) == band
    assert found.label == f"{band[0]}-{band[1]}%"


@pytest.mark.parametrize("kind", list(ItemKind))
@pytest.mark.parametrize("percent", [7, -5, 105])
def test_band_for_rejects_percentages_outside_every_band(framework: Framework, kind: ItemKind,
                                                         percent: int) -> None:
    # Bands are inclusive ranges on the 5% steps (0-5, 10-25, ...): 7 lies between two of them.
    with pytest.raises(ValueError, match=f"{percent}% is outside every scoring band"):
        framework.scoring.guidelines[kind].band_for(percent)


@pytest.mark.parametrize("points, band", [
    (0, 1), (125, 1), (125.4, 1), (125.5, 2), (125.6, 2), (210, 2), (675.6, 8), (1000, 8),
])
def test_overall_band_rounds_half_up(framework: Framework, points: float, band: int) -> None:
    found = framework.scoring.overall_band(points)
    assert found.band == band
    assert found.min <= round(points + 0.001) <= found.max


def test_overall_band_beyond_total_points(framework: Framework) -> None:
    with pytest.raises(ValueError, match="outside every overall band"):
        framework.scoring.overall_band(1001)


@pytest.mark.parametrize("pick, attribute", [
    (lambda f: f, "total_points"),
    (lambda f: f.title, "en"),
    (lambda f: f.limits, "report_chars"),
    (lambda f: f.profile.parts[0], "questions"),
    (lambda f: f.categories[0], "points"),
    (lambda f: f.item("4.1.2"), "points"),
    (lambda f: f.item("4.1.2").questions[0], "id"),
    (lambda f: f.scoring, "step"),
    (lambda f: f.scoring.guidelines[ItemKind.PROCESS].bands[0], "max"),
    (lambda f: f.scoring.overall[0], "max"),
], ids=["framework", "text", "limits", "profile-part", "category", "item", "question",
        "scoring", "band", "overall-band"])
def test_objects_are_immutable(framework: Framework, pick: Callable[[Framework], object],
                               attribute: str) -> None:
    node = pick(framework)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(node, attribute, getattr(node, attribute))
    # A new attribute is refused too; on Python < 3.13 a frozen slots dataclass refuses it with
    # TypeError instead of FrozenInstanceError (CPython gh-105936), hence both.
    with pytest.raises((AttributeError, TypeError)):
        node.extra = 1  # type: ignore[attr-defined]
    assert not hasattr(node, "extra")


def test_collections_are_immutable(framework: Framework) -> None:
    guideline = framework.scoring.guidelines[ItemKind.PROCESS]
    with pytest.raises(TypeError):
        framework.scoring.guidelines[ItemKind.RESULTS] = guideline  # type: ignore[index]
    with pytest.raises(TypeError):
        guideline.bands[0].dimensions["approach"] = Text("", "")  # type: ignore[index]
    assert isinstance(framework.categories, tuple)
    assert isinstance(framework.item("4.1.2").questions, tuple)


@pytest.mark.parametrize("item_id, before, after", [
    ("4.1.2", None, "4.1.3"),  # the first item
    ("4.1.4", "4.1.3", "4.2.2"),  # across a category boundary
    ("4.7.7", "4.7.6", None),  # the last item
])
def test_neighbours(framework: Framework, item_id: str, before: str | None,
                    after: str | None) -> None:
    found = framework.neighbours(item_id)
    assert tuple(item.id if item else None for item in found) == (before, after)


# -- broken files --------------------------------------------------------------------------

def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    """The base of every broken variant below; if it had problems, they would all be wrong."""
    path = write(tmp_path, variant())
    assert check_framework(path)[1] == []
    framework = load_framework(path)
    assert [item.id for item in framework.items] == ["4.1.2", "4.1.3", "4.7.2"]
    assert len(framework.scoring.overall) == 3


def test_retired_questions_are_kept_but_not_asked(tmp_path: Path) -> None:
    framework = load_framework(write(tmp_path, variant()))
    item = framework.item("4.7.2")
    assert [q.id for q in item.questions] == ["4.7.2.a"]  # what writers answer and progress counts
    assert [q.id for q in item.retired_questions] == ["4.7.2.b", "4.7.2.c"]
    assert [q.id for q in framework.iter_questions()] == [
        "P.1.a", "4.1.2.a", "4.1.2.b", "4.1.3.a", "4.7.2.a"]
    assert [q.id for q in framework.iter_retired_questions()] == ["4.7.2.b", "4.7.2.c"]
    merged, dropped = item.retired_questions
    assert merged.is_retired and merged.retired is not None
    assert merged.retired.merged_into == "4.7.2.a"
    assert merged.retired.reason == Text(zh="与4.7.2.a重复。", en="Asked again by 4.7.2.a.")
    assert merged.text.en == "Which way do your key product measures move?"
    assert dropped.retired is not None and dropped.retired.merged_into is None
    assert not item.questions[0].is_retired
    assert item.questions[0].changes == (
        "r2: now asks for trends as well (4.7.2.b merged into it)",)
    # An id keeps its meaning for good: a retired question is still found by its id.
    assert framework.has_question("4.7.2.b") and framework.question("4.7.2.b") is merged
    item_of = {qid: framework.item_of(qid) for qid in ("4.7.2.a", "4.7.2.c", "4.1.3.a", "P.1.a")}
    assert {qid: i.id if i else None for qid, i in item_of.items()} == {
        "4.7.2.a": "4.7.2", "4.7.2.c": "4.7.2", "4.1.3.a": "4.1.3", "P.1.a": None}
    with pytest.raises(KeyError):
        framework.item_of("4.7.2.z")


def test_answer_prompts_fall_back_to_the_examiners_question(tmp_path: Path) -> None:
    framework = load_framework(write(tmp_path, variant()))
    assert framework.answer_prompts(framework.item("4.1.2")) == ()
    levels, trends = framework.answer_prompts(framework.item("4.7.2"))
    assert levels.prompt is None and levels.answer_prompt == levels.question
    assert trends.answer_prompt == Text(zh="趋势如何？", en="Which way do they move?")


def test_answer_prompts_come_from_the_file(tmp_path: Path) -> None:
    framework = load_framework(write(tmp_path, variant(
        ("question: {zh: 水平如何？, en: What are the levels?}",
         "question: {zh: 水平如何？, en: What are the levels?}\n"
         "        prompt: {zh: 当前数值和目标。, en: current values and targets}"))))
    levels, trends = framework.answer_prompts(framework.item("4.7.2"))
    assert levels.prompt == levels.answer_prompt == Text(zh="当前数值和目标。",
                                                         en="current values and targets")
    assert trends.prompt is None


def test_context_questions_are_marked(tmp_path: Path) -> None:
    path = write(tmp_path, variant(
        ("en: How do senior leaders talk with employees?\n",
         "en: How do senior leaders talk with employees?\n            context: true\n")))
    framework = load_framework(path)
    assert [q.context for q in framework.item("4.1.2").questions] == [False, True]


GOVERNANCE_QUESTIONS = (
    '        questions:\n'
    '          - id: "4.1.3.a"\n'
    '            text:\n'
    '              zh: 组织如何保证治理透明？\n'
    '              en: How do you keep governance transparent?\n'
)
STEPS = "on the 5% steps"
MERGED = 'merged_into: "4.7.2.a"'

# name -> (edits to the minimal framework, the problems they must cause)
BREAKAGES: dict[str, tuple[tuple[Edit, ...], tuple[Expected, ...]]] = {
    "yaml-syntax": (
        (("en: What products and services do you offer?", "en: What products: and services?"),),
        (Expected("file", "What products:", ("not valid YAML", "mapping values")),),
    ),
    "duplicate-key": (
        (("        kind: process\n", "        kind: process\n        kind: results\n"),),
        (Expected("file", "kind: results", ("duplicate key 'kind'",)),),
    ),
    "item-points-off-category": (
        (("points: 25", "points: 20"),),
        (Expected("category 4.1", "points: 70", ("add up to 65", "worth 70")),),
    ),
    "category-points-off-total": (
        (("\n    points: 30\n", "\n    points: 35\n"),  # category 4.7
         ("\n        points: 30\n", "\n        points: 35\n")),  # its item 4.7.2
        (Expected("framework", "total_points", ("add up to 105", "total_points is 100")),),
    ),
    "malformed-item-id": (
        (('"4.1.3"', '"4.1.x"'), ('"4.1.3.a"', '"4.1.x.a"')),
        (Expected("item 4.1.x", '"4.1.x"', ("malformed id '4.1.x'",)),),
    ),
    "malformed-question-id": (
        (('"4.1.2.a"', '"4.1.2.A"'),),
        (Expected("question 4.1.2.A", '"4.1.2.A"', ("malformed id '4.1.2.A'",)),),
    ),
    "questions-missing": (
        ((GOVERNANCE_QUESTIONS, ""),),
        (Expected("item 4.1.3", '"4.1.3"', ("'questions' is missing",)),),
    ),
    "questions-empty": (
        ((GOVERNANCE_QUESTIONS, "        questions: []\n"),),
        (Expected("item 4.1.3", "questions: []", ("'questions' must be a non-empty list",)),),
    ),
    "english-missing": (
        # reported where the title's languages start, the first line of the text block
        (("          en: Governance\n", ""),),
        (Expected("item 4.1.3", "zh: 组织治理", ("missing translation 'en' in 'title'",)),),
    ),
    "chinese-empty": (
        (("zh: 高层领导如何确定愿景？", 'zh: ""'),),
        (Expected("question 4.1.2.a", 'zh: ""', ("missing translation 'zh' in 'text'",)),),
    ),
    "prompt-english-missing": (
        (("question: {zh: 水平如何？, en: What are the levels?}",
          "question: {zh: 水平如何？, en: What are the levels?}\n"
          "        prompt: {zh: 当前数值。}"),),
        (Expected("scoring.results dimension levels", "prompt: {zh: 当前数值。}",
                  ("missing translation 'en' in 'prompt'",)),),
    ),
    "unknown-kind": (
        (("kind: results", "kind: result"),),
        (Expected("item 4.7.2", "kind: result", ("unknown kind 'result'", "process or results")),),
    ),
    "band-gap": (
        (("      - min: 10\n", "      - min: 15\n"),),
        (Expected("scoring.process.bands", "- min: 15", ("gap", "10-14", "15-25")),),
    ),
    "band-overlap": (
        (("      - min: 30\n", "      - min: 25\n"),),
        (Expected("scoring.process.bands", "- min: 25", ("25-45 overlaps",)),),
    ),
    "bands-short-of-100": (
        (("        max: 100\n", "        max: 95\n"),),
        (Expected("scoring.process.bands", "- min: 90", ("ends at 95", "must reach 100")),),
    ),
    "band-off-step": (
        # an off-step end always moves the next band's start off the steps too
        (("        max: 5\n", "        max: 6\n"), ("      - min: 10\n", "      - min: 11\n")),
        (Expected("scoring.process.bands", "- min: 0", ("band 0-6", STEPS)),
         Expected("scoring.process.bands", "- min: 11", ("band 11-25", STEPS))),
    ),
    "overall-gap": (
        (("min: 41", "min: 42"),),
        (Expected("scoring.overall", "- band: 2", ("gap", "41", "42-70")),),
    ),
    "overall-short-of-total": (
        (("max: 100\n      title: {zh: 卓越", "max: 99\n      title: {zh: 卓越"),),
        (Expected("scoring.overall", "- band: 3", ("ends at 99", "must reach 100")),),
    ),
    "unknown-limit": (
        (("report_chars: 5000", "report_char: 5000"),),
        (Expected("framework.limits", "report_char:", ("unknown limit 'report_char'",)),),
    ),
    # retired questions: kept for their answers, so they keep their text and say where they went
    "merged-into-unknown-question": (
        ((MERGED, 'merged_into: "4.7.2.z"'),),
        (Expected("question 4.7.2.b", "4.7.2.z", ("merged_into '4.7.2.z'", "names no question")),),
    ),
    "merged-into-a-retired-question": (
        ((MERGED, 'merged_into: "4.7.2.c"'),),
        (Expected("question 4.7.2.b", '"4.7.2.c"\n', ("merged_into '4.7.2.c'",
                                                       "not a question that is still asked")),),
    ),
    "merged-into-an-item": (
        ((MERGED, 'merged_into: "4.7.2"'),),
        (Expected("question 4.7.2.b", 'merged_into: "4.7.2"',
                  ("not a question that is still asked",)),),
    ),
    "merged-into-a-number": (
        ((MERGED, "merged_into: 4.72"),),
        (Expected("question 4.7.2.b", "merged_into: 4.72", ("must be a quoted question id",)),),
    ),
    "retired-english-missing": (
        (("              en: Which way do your key product measures move?\n", ""),),
        (Expected("question 4.7.2.b", "zh: 关键产品指标的趋势如何？",
                  ("missing translation 'en' in 'text'",)),),
    ),
    "retired-reason-missing": (
        (("              reason: {zh: 与4.7.2.a重复。, en: Asked again by 4.7.2.a.}\n", ""),),
        (Expected("question 4.7.2.b", MERGED, ("'reason' must map each language",)),),
    ),
    "retired-reason-chinese-missing": (
        (("reason: {zh: 不再单独提问。, en:", "reason: {en:"),),
        (Expected("question 4.7.2.c", "reason: {en:", ("missing translation 'zh' in 'reason'",)),),
    ),
    "retired-without-retirement": (
        (("            retired:\n              reason: {zh: 不再单独提问。, en: No longer asked on "
          "its own.}\n", ""),),
        (Expected("question 4.7.2.c", '- id: "4.7.2.c"', ("needs 'retired'",)),),
    ),
    "retirement-unknown-key": (
        ((MERGED, 'merged_in: "4.7.2.a"'),),
        (Expected("question 4.7.2.b", "merged_in:", ("unknown key 'merged_in'",)),),
    ),
    "asked-question-marked-retired": (
        (("            changes:\n", "            retired: {reason: {zh: 停用。, en: Dropped.}}\n"
                                   "            changes:\n"),),
        (Expected("question 4.7.2.a", "retired: {reason", ("belongs under",
                                                            "'retired_questions'")),),
    ),
    "retired-id-reuses-an-asked-id": (
        (('- id: "4.7.2.c"', '- id: "4.7.2.a"  # reused'),),
        (Expected("question 4.7.2.a", "# reused", ("duplicate id '4.7.2.a'",)),),
    ),
    "retired-id-malformed": (
        (('- id: "4.7.2.c"', '- id: "4.7.3.c"'),),
        (Expected("question 4.7.3.c", '"4.7.3.c"', ("malformed id '4.7.3.c'",)),),
    ),
    "retired-questions-not-a-list": (
        (("        retired_questions:\n", "        retired_questions: {}\n        old:\n"),),
        (Expected("item 4.7.2", "retired_questions: {}", ("must be a list",)),),
    ),
    "changes-not-a-list": (
        (('            changes:\n              - "r2', '            changes: "r2'),),
        (Expected("question 4.7.2.a", 'changes: "r2', ("'changes' must be a list of notes",)),),
    ),
    "context-not-true-or-false": (
        (("            changes:\n", "            context: maybe\n            changes:\n"),),
        (Expected("question 4.7.2.a", "context: maybe", ("'context' must be true or false",)),),
    ),
}

@pytest.mark.parametrize("name", list(BREAKAGES))
def test_each_problem_is_reported_with_file_entry_and_line(tmp_path: Path, name: str) -> None:
    edits, expected = BREAKAGES[name]
    text = variant(*edits)
    assert_problems(write(tmp_path, text), text, expected)


def test_duplicate_id_names_its_first_use(tmp_path: Path) -> None:
    text = variant(('- id: "4.1.2.b"', '- id: "4.1.2.a"  # again'))
    first = line_of(text, '"4.1.2.a"')
    assert_problems(write(tmp_path, text), text, [
        Expected("question 4.1.2.a", "# again",
                 ("duplicate id '4.1.2.a'", f"first used on line {first}")),
    ])


@pytest.mark.parametrize("text", ["- a list\n- of things\n", "just a sentence\n", ""],
                         ids=["list", "scalar", "empty"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    [problem] = check_framework(path)[1]
    assert (problem.file, problem.entry) == (str(path), "file")
    assert problem.line in (None, 1)  # a whole-file problem: line 1, or no line at all
    assert "must be a mapping" in problem.message


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    names = ["unknown-limit", "chinese-empty", "unknown-kind", "band-gap", "overall-gap"]
    edits = [edit for name in names for edit in BREAKAGES[name][0]]
    expected = [problem for name in names for problem in BREAKAGES[name][1]]
    text = variant(*edits)
    assert_problems(write(tmp_path, text), text, expected)


def test_load_framework_raises_framework_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, variant(("kind: results", "kind: result"), ("min: 41", "min: 42")))
    with pytest.raises(FrameworkError) as raised:
        load_framework(path)
    error = raised.value
    assert error.problems == check_framework(path)[1]
    assert len(error.problems) == 2
    assert all(line.startswith(f"{path}:") for line in str(error).splitlines())
    assert "unknown kind 'result'" in str(error)


def test_load_framework_of_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(FrameworkError, match="cannot read the file") as raised:
        load_framework(path)
    assert raised.value.problems == [
        Problem(str(path), "file", None, raised.value.problems[0].message)
    ]


@pytest.mark.parametrize("limits", ["  limits:\n", "  limits: 5000\n"], ids=["empty", "number"])
def test_limits_must_be_a_mapping(tmp_path: Path, limits: str) -> None:
    path = write(tmp_path, variant(
        ("  limits:\n    profile_chars: 500\n    report_chars: 5000\n", limits)))
    with pytest.raises(FrameworkError, match="limits"):
        load_framework(path)


@pytest.mark.parametrize("edit, expected", [
    (("kind: results", "kind: [results]"), Expected("item 4.7.2", "kind: [results]", ())),
    (("  version:", "  [a, b]: 1\n  version:"), Expected("file", "[a, b]", ())),
], ids=["list-kind", "list-key"])
def test_unhashable_values_are_problems_not_crashes(tmp_path: Path, edit: Edit,
                                                    expected: Expected) -> None:
    text = variant(edit)
    assert_problems(write(tmp_path, text), text, [expected])


# -- flask criteria check ---------------------------------------------------------------

def test_cli_check_summarizes_the_real_file(runner: FlaskCliRunner, framework_path: Path,
                                            framework: Framework) -> None:
    result = check(runner, framework_path)
    assert result.exit_code == 0, result.output
    assert "7 categories, 23 items, 1000 points" in result.output
    item_questions = sum(len(item.questions) for item in framework.items)
    retired = len(list(framework.iter_retired_questions()))
    assert f"{item_questions} item questions" in result.output
    assert f"{retired} retired questions" in result.output
    rows = [line.split() for line in result.output.splitlines()]
    for item_id in ("4.7.7", "4.5.3"):
        [row] = [row for row in rows if row[:1] == [item_id]]
        item = framework.item(item_id)
        assert row[-4:] == [item.kind.value, str(item.points), str(len(item.questions)),
                            str(len(item.retired_questions))]
    assert framework.item("4.5.3").retired_questions  # the column shows a real count


def test_cli_check_reports_problems_of_a_broken_file(runner: FlaskCliRunner,
                                                     tmp_path: Path) -> None:
    text = variant(("kind: results", "kind: result"))
    path = write(tmp_path, text)
    result = check(runner, path)
    assert result.exit_code == 1
    line = line_of(text, "kind: result")
    assert f"{path}:{line}: item 4.7.2: unknown kind 'result'" in result.stderr
    assert "1 problem(s)" in result.stderr
    assert "categories" not in result.stdout


def test_cli_check_of_a_missing_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    result = check(runner, path)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert f"{path}: file: cannot read the file" in result.stderr
    assert "Traceback" not in result.output
