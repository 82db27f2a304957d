"""The next cycle: an organization's next assessment, started from one of its cycles.

The new cycle starts where the earlier one left off: the same team (roles, assigned items and
consensus lead), the same key factors (to be reviewed), targets and settings, and every answer as
a starting draft marked as carried over from the earlier cycle until a writer changes it or keeps
it as it is (answers.decide). Reviews and consensus stay behind: they judged last year's
organization. Nothing of the earlier cycle is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .access import Member, Role
from .answers import Answer, SaveResult
from .criteria import Framework, Question
from .errors import DomainError
from .key_factors import KeyFactor
from .organizations import AssessmentRecord, create_assessment
from .repositories import AssessmentData, AssessmentIndex, OrganizationRepository
from .targets import copy_targets

# A year in a cycle's name ("2025", "2025年度", "FY2025 H1"): what the next cycle counts on.
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


class NextCycleError(DomainError):
    """A next cycle that cannot be started: cycle_empty, cycle_exists (cycle: the name the
    organization already has)."""


@dataclass(frozen=True, slots=True)
class CarriedOver:
    """How many carried-over answers are left to check: on the profile, per item, in all."""

    profile: int
    items: Mapping[str, int]

    @property
    def total(self) -> int:
        return self.profile + sum(self.items.values())


@dataclass(frozen=True, slots=True)
class Carries:
    """What a next cycle started from an assessment takes along (for the page that asks)."""

    members: int
    key_factors: int
    targets: int
    answers: int


def what_carries_over(earlier: AssessmentData, framework: Framework) -> Carries:
    return Carries(members=len(earlier.team.members()),
                   key_factors=len(earlier.key_factors.all()),
                   targets=len(earlier.targets.all()),
                   answers=len(_answers_to_carry(earlier, framework)))


def _normalized(cycle: str) -> str:
    return " ".join(cycle.split())


def cycle_names(assessments: AssessmentIndex, organization_id: str) -> list[str]:
    """The names of the organization's cycles."""
    return [record.cycle for record in assessments.all()
            if record.organization_id == organization_id]


def suggested_cycle_name(previous: str, taken: Iterable[str]) -> str:
    """The name the form offers: the previous one with its year counted on to the first year
    not taken ("2025" -> "2026", "2025年度" -> "2026年度"); "" when the name holds no single
    year to count on (the manager names it)."""
    years = list(_YEAR.finditer(previous))
    if len(years) != 1:
        return ""
    taken_names = {_normalized(name).casefold() for name in taken}
    year = years[0]
    for step in range(1, 100):
        name = previous[:year.start()] + str(int(year.group()) + step) + previous[year.end():]
        if _normalized(name).casefold() not in taken_names:
            return _normalized(name)
    return ""


def start_next_cycle(assessments: AssessmentIndex, organizations: OrganizationRepository,
                     previous: AssessmentRecord, framework: Framework, cycle_name: str,
                     user: str) -> AssessmentRecord:
    """The organization's next cycle, named `cycle_name`, started from `previous` by `user`
    (who coordinates it, beside the earlier team's coordinators). Refuses a name the
    organization already has (NextCycleError "cycle_exists", compared without case and extra
    spaces). Audited in the new cycle as cycle_started_from, once everything is copied."""
    name = _normalized(cycle_name)
    if not name:
        raise NextCycleError("cycle_empty")
    organization = organizations.get(previous.organization_id)
    # Everything is read first: an earlier file that cannot be read refuses the start before
    # the new cycle exists, instead of leaving an empty one behind.
    earlier = assessments.data(previous.id)
    taken = _take(earlier, framework, previous.cycle)
    # The check and the creation see one state: two managers starting "2026" at once get one.
    with organizations.atomic():
        existing = next((cycle for cycle in cycle_names(assessments, organization.id)
                         if cycle.casefold() == name.casefold()), None)
        if existing is not None:
            raise NextCycleError("cycle_exists", cycle=existing)
        record = create_assessment(assessments, organization, name, previous.framework,
                                   coordinator=user)
    data = assessments.data(record.id)
    _copy_team(taken, data)
    if taken.key_factors or taken.highest_issued:
        data.key_factors.replace(taken.key_factors, taken.highest_issued)
    targets = copy_targets(earlier, data, user)
    if taken.settings:
        data.settings.put(dict(taken.settings))
    if taken.answers:
        data.answers.save([answer.question for answer in taken.answers],
                          lambda current: SaveResult(saved=taken.answers, conflicts=()))
    data.audit.record(user, "cycle_started_from", from_assessment=previous.id,
                      from_cycle=previous.cycle, answers=len(taken.answers),
                      members=sorted(taken.team), key_factors=[f.id for f in taken.key_factors],
                      targets=len(targets))
    return record


@dataclass(frozen=True, slots=True)
class _Taken:
    """What the next cycle takes from the earlier one, read before anything is written."""

    team: Mapping[str, Member]
    consensus_lead: str | None
    key_factors: list[KeyFactor]
    highest_issued: int  # K numbers given out so far: never given to another factor
    settings: Mapping[str, Any]
    answers: tuple[Answer, ...]


def _take(earlier: AssessmentData, framework: Framework, from_cycle: str) -> _Taken:
    """The team, the key factors under their ids (so tags read alike across cycles), the
    settings and every answered question of the framework (retired ones too: their text stays
    readable for the writer to move) as revision 1 marked as carried over, keeping the text's
    author and time."""
    return _Taken(
        team=earlier.team.members(), consensus_lead=earlier.team.consensus_lead(),
        key_factors=earlier.key_factors.all(),
        highest_issued=earlier.key_factors.highest_issued(),
        settings=earlier.settings.get(),
        answers=tuple(Answer(question=answer.question, text=answer.text, revision=1,
                             updated_at=answer.updated_at, updated_by=answer.updated_by,
                             carried_over_from=from_cycle)
                      for answer in _answers_to_carry(earlier, framework)))


def _copy_team(taken: _Taken, data: AssessmentData) -> None:
    """The earlier team's roles, assigned items and consensus lead."""
    for username in sorted(taken.team):
        member = taken.team[username]
        for role in sorted(member.roles):
            data.team.add_role(username, role)
            if role in (Role.WRITER, Role.EXAMINER) and member.assigned.get(role):
                data.team.assign(username, role, member.assigned[role])
    lead = taken.consensus_lead
    if lead in taken.team and Role.EXAMINER in taken.team[lead].roles:
        data.team.set_consensus_lead(lead)


def _answers_to_carry(earlier: AssessmentData, framework: Framework) -> list[Answer]:
    return [answer for question_id, answer in sorted(earlier.answers.all().items())
            if answer.is_answered and framework.has_question(question_id)]


def carried_over_on(questions: Iterable[Question], answers: Mapping[str, Answer]) -> int:
    """How many of these questions' answers are still carried over, not yet reviewed."""
    return sum(1 for question in questions
               if (answer := answers.get(question.id)) is not None and answer.carried_over_from)


def carried_over(framework: Framework, answers: Mapping[str, Answer]) -> CarriedOver:
    """The carried-over answers left to check on the profile and on each item (the questions
    asked: a retired question's answer cannot be edited, so it is not counted)."""
    profile = sum(carried_over_on(part.questions, answers) for part in framework.profile.parts)
    return CarriedOver(profile, {item.id: carried_over_on(item.questions, answers)
                                 for item in framework.items})


def key_factors_carried_over_from(data: AssessmentData) -> str | None:
    """The earlier cycle whose key factors this one started with, until they are saved here
    (reviewed); None otherwise. Read from the audit trail, which holds both events."""
    from_cycle = None
    for entry in data.audit.read().entries:
        if entry.action == "cycle_started_from" and entry.detail.get("key_factors"):
            from_cycle = str(entry.detail.get("from_cycle", ""))
        elif entry.action == "key_factors_saved":
            from_cycle = None
    return from_cycle
