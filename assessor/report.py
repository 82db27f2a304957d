"""The feedback report: per item the consensus score as a band with its strengths and
opportunities for improvement (OFIs), the overall band, and the same comments grouped by key
factor. Built as plain data for the page and the tests; rendered to Markdown for download.

What the report reveals follows the assessment's settings: exact percentages only when
`report_shows_exact_scores`, points (total and per category) only when `report_shows_total`,
since category points add up to the total.

The Markdown speaks the reader's language: the web layer passes its gettext in `Words`; without
one it is English (the messages are English), with the criteria's texts English first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .consensus import ConsensusRecord, scorebook
from .criteria import Framework, Item, ItemKind, Text
from .criteria.model import OverallBand
from .key_factors import KeyFactor
from .organizations import AssessmentRecord
from .settings import Settings
from .statements import Statement, factor_order


@dataclass(frozen=True, slots=True)
class ItemScore:
    """An item's consensus score as the report shows it."""

    band: str  # the band label, e.g. "50-65%"
    summary: Text  # what the band means
    exact: int | None  # the consensus percentage, only when the settings show it


@dataclass(frozen=True, slots=True)
class ItemReport:
    id: str
    title: Text
    kind: ItemKind
    points: int
    score: ItemScore | None  # None: not yet scored (no consensus recorded)
    strengths: tuple[Statement, ...]
    ofis: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class CategoryReport:
    id: str
    title: Text
    points: int
    earned: float | None  # only when the settings show points
    items: tuple[ItemReport, ...]


@dataclass(frozen=True, slots=True)
class SideReport:
    """Process or results items taken together: their points-weighted average score mapped
    onto the item bands (as Baldrige reports process and results maturity apart)."""

    kind: ItemKind
    available: int  # the points of all items of this kind (600 and 400 in GB/T 19580)
    band: str | None  # None until every item of this kind has a consensus
    exact: float | None  # the weighted average percentage, only when exact scores are shown


@dataclass(frozen=True, slots=True)
class Comment:
    """A strength or OFI with the item it comes from (for the key-factor view)."""

    statement: Statement
    item_id: str
    item_title: Text


@dataclass(frozen=True, slots=True)
class KeyFactorSection:
    id: str
    text: str | None  # None: statements carry a tag whose key factor was removed since
    strengths: tuple[Comment, ...]
    ofis: tuple[Comment, ...]


@dataclass(frozen=True, slots=True)
class Report:
    organization: str
    cycle: str
    framework_title: Text
    draft: bool
    shows_exact_scores: bool
    overall: OverallBand
    band_count: int  # how many overall bands the framework has ("band 4 of 8")
    unscored: tuple[str, ...]  # item ids without consensus; they count as zero points
    total: float | None  # only when the settings show it
    total_points: int
    sides: tuple[SideReport, ...]
    categories: tuple[CategoryReport, ...]
    key_factors: tuple[KeyFactorSection, ...]

    @property
    def complete(self) -> bool:
        return not self.unscored

    @property
    def items(self) -> tuple[ItemReport, ...]:
        return tuple(item for category in self.categories for item in category.items)

    @property
    def factor_texts(self) -> dict[str, str | None]:
        """Key factor texts by id, to explain a statement's tags where it stands (None: a
        factor removed since)."""
        return {section.id: section.text for section in self.key_factors}


def build_report(framework: Framework, record: AssessmentRecord,
                 consensus_records: Mapping[str, ConsensusRecord],
                 key_factors: Iterable[KeyFactor], settings: Settings,
                 draft: bool = False) -> Report:
    """The feedback report of one assessment from its recorded consensus."""
    book = scorebook(framework, consensus_records)
    show_points = settings.report_shows_total
    categories = tuple(
        CategoryReport(
            id=category.id, title=category.title, points=category.points,
            earned=book.categories[category.id] if show_points else None,
            items=tuple(_item_report(framework, item, consensus_records.get(item.id), settings)
                        for item in category.items),
        )
        for category in framework.categories
    )
    return Report(
        organization=record.organization, cycle=record.cycle,
        framework_title=framework.title, draft=draft,
        shows_exact_scores=settings.report_shows_exact_scores,
        overall=book.overall_band, band_count=len(framework.scoring.overall),
        unscored=tuple(item.id for item in framework.items if item.id not in consensus_records),
        total=book.total if show_points else None, total_points=framework.total_points,
        sides=tuple(_side_report(framework, consensus_records, kind, settings)
                    for kind in ItemKind
                    if any(item.kind is kind for item in framework.items)),
        categories=categories,
        key_factors=_by_key_factor(framework, consensus_records, key_factors),
    )


def _item_report(framework: Framework, item: Item, consensus: ConsensusRecord | None,
                 settings: Settings) -> ItemReport:
    if consensus is None:
        return ItemReport(item.id, item.title, item.kind, item.points, None, (), ())
    band = framework.scoring.guidelines[item.kind].band_for(consensus.score)
    exact = consensus.score if settings.report_shows_exact_scores else None
    return ItemReport(item.id, item.title, item.kind, item.points,
                      ItemScore(band.label, band.summary, exact),
                      consensus.strengths, consensus.ofis)


def _side_report(framework: Framework, records: Mapping[str, ConsensusRecord], kind: ItemKind,
                 settings: Settings) -> SideReport:
    items = [item for item in framework.items if item.kind is kind]
    available = sum(item.points for item in items)
    # With an item unscored its zero would drag the average into a band it has not earned.
    if not available or any(item.id not in records for item in items):
        return SideReport(kind, available, None, None)
    percent = sum(item.points * records[item.id].score for item in items) / available
    # Item bands hold only the scale's steps (0-5, 10-25, ...): the average goes to the
    # nearest step, half up as award practice rounds, so it falls in exactly one band.
    step = framework.scoring.step
    on_step = step * math.floor(percent / step + 0.5)
    band = framework.scoring.guidelines[kind].band_for(on_step)
    exact = round(percent, 1) if settings.report_shows_exact_scores else None
    return SideReport(kind, available, band.label, exact)


def _by_key_factor(framework: Framework, records: Mapping[str, ConsensusRecord],
                   key_factors: Iterable[KeyFactor]) -> tuple[KeyFactorSection, ...]:
    """Every key factor with the strengths and OFIs tagged with it, in item order; tags of
    factors removed since are kept in sections of their own, so no comment goes missing."""
    texts: dict[str, str | None] = {factor.id: factor.text for factor in key_factors}
    strengths: dict[str, list[Comment]] = {}
    ofis: dict[str, list[Comment]] = {}
    for item in framework.items:
        record = records.get(item.id)
        if record is None:
            continue
        for statements, groups in ((record.strengths, strengths), (record.ofis, ofis)):
            for statement in statements:
                for factor in statement.key_factors:
                    texts.setdefault(factor, None)
                    groups.setdefault(factor, []).append(Comment(statement, item.id, item.title))
    return tuple(
        KeyFactorSection(factor, texts[factor], tuple(strengths.get(factor, ())),
                         tuple(ofis.get(factor, ())))
        for factor in sorted(texts, key=factor_order)
    )


# -- presentation helpers shared by the page and the Markdown ----------------------------------

def format_points(points: float) -> str:
    """Points as people write them: 512.5, 500, 8.25 (item points x 5% steps)."""
    return f"{round(points, 2):g}"


def _english(message: str, **values: Any) -> str:
    return message % values if values else message


def _english_plural(singular: str, plural: str, number: int, **values: Any) -> str:
    return _english(singular if number == 1 else plural, **values)


def _english_in_context(_context: str, message: str, **values: Any) -> str:
    return _english(message, **values)


@dataclass(frozen=True, slots=True)
class Words:
    """The Markdown's language: gettext, ngettext and pgettext as Flask-Babel has them (named
    placeholders), and the language the criteria's texts come first in ("en" or "zh")."""

    gettext: Callable[..., str] = _english
    ngettext: Callable[..., str] = _english_plural
    pgettext: Callable[..., str] = _english_in_context
    text_language: str = "en"

    def bilingual(self, text: Text) -> str:
        """The criteria text in the report's language, the other language alongside."""
        first, second = (text.zh, text.en) if self.text_language == "zh" else (text.en, text.zh)
        first = first or second
        return f"{first} {second}" if second and second != first else first

    def in_language(self, text: Text) -> str:
        """The criteria text in the report's language only (the other if it has none)."""
        own = text.zh if self.text_language == "zh" else text.en
        return own or text.en or text.zh


ENGLISH = Words()


def score_text(score: ItemScore, words: Words = ENGLISH) -> str:
    _ = words.gettext
    if score.exact is None:
        return _("%(band)s band", band=score.band)
    return _("%(band)s band (consensus score %(score)s%%)", band=score.band, score=score.exact)


def side_text(side: SideReport, words: Words = ENGLISH) -> str:
    _ = words.gettext
    if side.band is None:
        return _("not every item is scored yet")
    if side.exact is None:
        return _("%(band)s band", band=side.band)
    return _("%(band)s band (weighted average %(average)s%%)", band=side.band,
             average=f"{side.exact:g}")


def kind_items(kind: ItemKind, words: Words = ENGLISH) -> str:
    _ = words.gettext
    return _("Process items") if kind is ItemKind.PROCESS else _("Results items")


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_names(report: Report, words: Words = ENGLISH) -> tuple[str, str]:
    """The Markdown file's name: an ASCII-safe slug, and the full name in Unicode."""
    _ = words.gettext
    # A name in Chinese only has no ASCII slug; "assessment" stands in for it.
    slug = "-".join(part for part in (_slug(report.organization) or "assessment",
                                      _slug(report.cycle)) if part)
    ascii_name = f"{slug}-feedback-report.md"
    readable = _NOT_IN_FILE_NAMES.sub(" ", f"{report.organization} {report.cycle}")
    full_name = _("%(name)s feedback report", name=" ".join(readable.split()))
    return ascii_name, _NOT_IN_FILE_NAMES.sub(" ", full_name) + ".md"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# -- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape(text: str) -> str:
    """People's own text, kept literal: no stray emphasis, links or headings."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(report: Report, words: Words = ENGLISH) -> str:
    """The report as a Markdown document: overall band first, then categories and items, then
    the comments by key factor."""
    _ = words.gettext
    lines = ["# " + _("Feedback report: %(organization)s",
                      organization=_escape(report.organization)), "",
             _("Cycle %(cycle)s · %(framework)s", cycle=_escape(report.cycle),
               framework=words.bilingual(report.framework_title)), ""]
    if report.draft:
        lines += ["> " + _("**Draft.** Consensus is still open: scores and comments may change "
                           "until the coordinator opens the feedback phase."), ""]
    lines += _overall_markdown(report, words)
    for category in report.categories:
        lines += [f"## {category.id} {words.bilingual(category.title)}", ""]
        if category.earned is not None:
            lines += [_("%(earned)s of %(available)s points",
                        earned=format_points(category.earned), available=category.points), ""]
        for item in category.items:
            lines += _item_markdown(item, words)
    lines += _key_factors_markdown(report, words)
    return "\n".join(lines).rstrip() + "\n"


def _overall_markdown(report: Report, words: Words) -> list[str]:
    _ = words.gettext
    band = report.overall
    badge = _("Band %(number)s of %(count)s", number=band.band, count=report.band_count)
    lines = ["## " + words.pgettext("report heading", "Overall"), "",
             f"**{badge}: {words.bilingual(band.title)}**", ""]
    summaries = [band.summary.en, band.summary.zh]
    if words.text_language == "zh":
        summaries.reverse()
    lines += [line for summary in summaries if summary for line in (summary, "")]
    if report.total is not None:
        lines += [_("Total: **%(total)s** of %(available)s points",
                    total=format_points(report.total), available=report.total_points), ""]
    lines += [f"- {kind_items(side.kind, words)} ("
              + words.ngettext("%(count)s point", "%(count)s points", side.available,
                               count=side.available)
              + f"): {side_text(side, words)}" for side in report.sides]
    if report.sides:
        lines += ["", _("Process and results bands: the points-weighted average of the items' "
                        "consensus scores, placed on the item scoring bands. They appear once "
                        "every item of the part is scored."), ""]
    if report.unscored:
        lines += [_("Provisional: %(count)s item(s) have no consensus yet and count as zero: "
                    "%(items)s.", count=len(report.unscored), items=", ".join(report.unscored)),
                  ""]
    return lines


def _statements_markdown(heading: str, entries: list[str], none: str) -> list[str]:
    """A bold heading and its entries as a list, or `none` in italics."""
    return [f"**{heading}**", "", *([f"- {entry}" for entry in entries] or [f"- *{none}*"]), ""]


def _item_markdown(item: ItemReport, words: Words) -> list[str]:
    _ = words.gettext
    lines = [f"### {item.id} {words.bilingual(item.title)}", ""]
    if item.score is None:
        return [*lines, f"*{_('Not yet scored.')}*", ""]
    score = _("Score: %(score)s.", score=score_text(item.score, words))
    lines += [f"**{score}** {words.in_language(item.score.summary)}", ""]
    for heading, statements in ((_("Strengths"), item.strengths),
                                (_("Opportunities for improvement"), item.ofis)):
        lines += _statements_markdown(heading, [_statement_markdown(s) for s in statements],
                                      _("None recorded."))
    return lines


def _statement_markdown(statement: Statement) -> str:
    tags = f" ({', '.join(statement.key_factors)})" if statement.key_factors else ""
    return _escape(statement.text) + tags


def _key_factors_markdown(report: Report, words: Words) -> list[str]:
    _ = words.gettext
    lines = ["## " + _("Strengths and opportunities by key factor"), ""]
    if not report.key_factors:
        return [*lines, f"*{_('No key factors are defined for this assessment.')}*", ""]
    for section in report.key_factors:
        text = (_escape(section.text) if section.text is not None
                else f"({_('no longer defined')})")
        lines += [f"### {section.id}: {text}", ""]
        for heading, comments in ((_("Strengths"), section.strengths),
                                  (_("Opportunities for improvement"), section.ofis)):
            lines += _statements_markdown(
                heading, [f"{_escape(c.statement.text)} ({c.item_id} "
                          f"{words.bilingual(c.item_title)})" for c in comments],
                _("None tagged."))
    return lines
