"""The feedback report: per item the consensus score as a band with its strengths and
opportunities for improvement (OFIs), the overall band, and the same comments grouped by key
factor. Built as plain data for the page and the tests; rendered to Markdown for download.

What the report reveals follows the assessment's settings: exact percentages only when
`report_shows_exact_scores`, points (total and per category) only when `report_shows_total`,
since category points add up to the total.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .consensus import ConsensusRecord, scorebook
from .criteria import Framework, Item, ItemKind, Text
from .criteria.model import OverallBand
from .key_factors import KeyFactor
from .organizations import AssessmentRecord
from .settings import Settings
from .statements import Statement

KIND_LABELS = {ItemKind.PROCESS: "Process items", ItemKind.RESULTS: "Results items"}


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

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


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
    def factor_texts(self) -> dict[str, str]:
        """Key factor texts by id, to explain a statement's tags where it stands."""
        return {section.id: section.text or "no longer defined" for section in self.key_factors}


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
        for factor in sorted(texts, key=_factor_order)
    )


def _factor_order(factor_id: str) -> tuple[int, str]:
    digits = factor_id[1:]
    return (int(digits) if digits.isdigit() else 0, factor_id)


# -- presentation helpers shared by the page and the Markdown ----------------------------------

def format_points(points: float) -> str:
    """Points as people write them: 512.5, 500, 8.25 (item points x 5% steps)."""
    return f"{round(points, 2):g}"


def bilingual(text: Text) -> str:
    """English with the Chinese alongside, where the framework has it."""
    return f"{text.en} {text.zh}" if text.zh and text.zh != text.en else text.en


def score_text(score: ItemScore) -> str:
    exact = f" (consensus score {score.exact}%)" if score.exact is not None else ""
    return f"{score.band} band{exact}"


def side_text(side: SideReport) -> str:
    if side.band is None:
        return "not every item is scored yet"
    exact = f" (weighted average {side.exact:g}%)" if side.exact is not None else ""
    return f"{side.band} band{exact}"


def download_names(report: Report) -> tuple[str, str]:
    """The Markdown file's name: an ASCII-safe slug, and the full name in Unicode."""
    # A name in Chinese only has no ASCII slug; "assessment" stands in for it.
    slug = "-".join(part for part in (_slug(report.organization) or "assessment",
                                      _slug(report.cycle)) if part)
    ascii_name = f"{slug}-feedback-report.md"
    readable = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", f"{report.organization} {report.cycle}")
    return ascii_name, f"{' '.join(readable.split())} feedback report.md"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# -- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape(text: str) -> str:
    """People's own text, kept literal: no stray emphasis, links or headings."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(report: Report) -> str:
    """The report as a Markdown document: overall band first, then categories and items, then
    the comments by key factor."""
    lines = [f"# Feedback report: {_escape(report.organization)}", "",
             f"Cycle {_escape(report.cycle)} · {bilingual(report.framework_title)}", ""]
    if report.draft:
        lines += ["> **Draft.** Consensus is still open: scores and comments may change until "
                  "the coordinator opens the feedback phase.", ""]
    lines += _overall_markdown(report)
    for category in report.categories:
        heading = f"## {category.id} {bilingual(category.title)}"
        lines += [heading, ""]
        if category.earned is not None:
            lines += [f"{format_points(category.earned)} of {category.points} points", ""]
        for item in category.items:
            lines += _item_markdown(item)
    lines += _key_factors_markdown(report)
    return "\n".join(lines).rstrip() + "\n"


def _overall_markdown(report: Report) -> list[str]:
    band = report.overall
    lines = ["## Overall", "",
             f"**Band {band.band} of {report.band_count}: {bilingual(band.title)}**", "",
             band.summary.en, ""]
    if band.summary.zh:
        lines += [band.summary.zh, ""]
    if report.total is not None:
        lines += [f"Total: **{format_points(report.total)}** of {report.total_points} points",
                  ""]
    lines += [f"- {side.label} ({side.available} points): {side_text(side)}"
              for side in report.sides]
    if report.sides:
        lines += ["", "Process and results bands: the points-weighted average of the items' "
                      "consensus scores, placed on the item scoring bands.", ""]
    if report.unscored:
        lines += [f"Provisional: {len(report.unscored)} item(s) have no consensus yet and count "
                  f"as zero: {', '.join(report.unscored)}.", ""]
    return lines


def _item_markdown(item: ItemReport) -> list[str]:
    lines = [f"### {item.id} {bilingual(item.title)}", ""]
    if item.score is None:
        return [*lines, "*Not yet scored.*", ""]
    lines += [f"**Score: {score_text(item.score)}.** {item.score.summary.en}", ""]
    for heading, statements in (("Strengths", item.strengths),
                                ("Opportunities for improvement", item.ofis)):
        lines += [f"**{heading}**", ""]
        lines += [f"- {_statement_markdown(s)}" for s in statements] or ["- *None recorded.*"]
        lines.append("")
    return lines


def _statement_markdown(statement: Statement) -> str:
    tags = f" ({', '.join(statement.key_factors)})" if statement.key_factors else ""
    return _escape(statement.text) + tags


def _key_factors_markdown(report: Report) -> list[str]:
    lines = ["## Strengths and opportunities by key factor", ""]
    if not report.key_factors:
        return [*lines, "*No key factors are defined.*", ""]
    for section in report.key_factors:
        text = _escape(section.text) if section.text is not None else "(no longer defined)"
        lines += [f"### {section.id}: {text}", ""]
        for heading, comments in (("Strengths", section.strengths),
                                  ("Opportunities for improvement", section.ofis)):
            lines += [f"**{heading}**", ""]
            lines += [f"- {_escape(c.statement.text)} ({c.item_id} {bilingual(c.item_title)})"
                      for c in comments] or ["- *None tagged.*"]
            lines.append("")
    return lines
