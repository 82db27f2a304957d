"""Printing: the feedback report opens on a cover (organization, cycle, date, draft or not),
then contents linking every category and item; in both languages. The page counts themselves
are checked in a real Chromium (tests/test_browser.py)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from assessor.access import Phase
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.phases import move_to
from assessor.statements import Statement
from assessor.storage.store import Store

from .conftest import FRAMEWORK_FILE

EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}


@pytest.fixture
def in_consensus(store: Store, assessment: AssessmentRecord) -> AssessmentRecord:
    data = store.assessment_data(assessment.id)
    for phase in (Phase.REVIEW, Phase.CONSENSUS):
        move_to(data, phase)
    record_consensus(data, ConsensusRecord("4.1.2", 55, "agreed", (Statement("Clear plan"),),
                                           (), "quality", "2026-03-01T10:00:00+00:00"), 5)
    return assessment


def cover(page: str) -> str:
    match = re.search(r'<section class="report-cover">(.*?)</section>', page, re.S)
    assert match, "the report has a cover"
    return match.group(1)


def test_the_report_opens_on_a_cover_then_its_contents(
        client: FlaskClient, in_consensus: AssessmentRecord) -> None:
    page = client.get(f"/a/{in_consensus.id}/report/", headers=EN).get_data(as_text=True)
    front = cover(page)
    assert '<p class="cover-kind">Feedback report</p>' in front
    assert '<p class="cover-organization">Test Works Ltd.</p>' in front
    assert "Cycle 2026 · " in front
    assert '<p class="cover-draft">Draft</p>' in front  # consensus is still open
    assert re.search(r'Date: <time datetime="[^"]+">\w+ \d{1,2}, \d{4}</time>', front)
    toc = re.search(r'<nav class="report-toc" aria-labelledby="toc-heading">(.*?)</nav>', page,
                    re.S).group(1)
    framework = framework_named(FRAMEWORK_FILE)
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets == (["overall-heading", "glance-heading"]
                       + [anchor for category in framework.categories
                          for anchor in [f"category-{category.id}"]
                          + [f"item-{item.id}" for item in category.items]]
                       + ["factors-heading"])
    for target in targets:  # every entry leads somewhere on the page
        assert f'id="{target}"' in page


def test_the_cover_and_contents_in_chinese(client: FlaskClient,
                                          in_consensus: AssessmentRecord) -> None:
    page = client.get(f"/a/{in_consensus.id}/report/", headers=ZH).get_data(as_text=True)
    front = cover(page)
    assert '<p class="cover-kind">反馈报告</p>' in front
    assert '<p class="cover-draft">草稿</p>' in front
    assert re.search(r'日期：<time datetime="[^"]+">\d{4}年\d{1,2}月\d{1,2}日</time>', front)
    assert '<h2 id="toc-heading">目录</h2>' in page
    assert '<a href="#item-4.1.2">4.1.2 高层领导的作用</a>' in page


def test_a_closed_cycle_has_no_draft_on_its_cover(
        client: FlaskClient, store: Store, in_consensus: AssessmentRecord) -> None:
    move_to(store.assessment_data(in_consensus.id), Phase.FEEDBACK)
    page = client.get(f"/a/{in_consensus.id}/report/", headers=EN).get_data(as_text=True)
    assert "cover-draft" not in cover(page)
