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

from .access import Role
from .answers import Answer, SaveResult
from .criteria import Framework, Question
from .errors import DomainError
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
    """How many carried-over answers are left to review: on the profile, per item, in all."""

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
    # The check and the creation see one state: two managers starting "2026" at once get one.
    with organizations.atomic():
        existing = next((cycle for cycle in cycle_names(assessments, organization.id)
                         if cycle.casefold() == name.casefold()), None)
        if existing is not None:
            raise NextCycleError("cycle_exists", cycle=existing)
        record = create_assessment(assessments, organization, name, previous.framework,
                                   coordinator=user)
    earlier, data = assessments.data(previous.id), assessments.data(record.id)
    members = _copy_team(earlier, data)
    key_factors = _copy_key_factors(earlier, data)
    targets = copy_targets(earlier, data, user)
    if settings := earlier.settings.get():
        data.settings.put(dict(settings))
    answers = _carry_over_answers(earlier, data, framework, previous.cycle)
    data.audit.record(user, "cycle_started_from", from_assessment=previous.id,
                      from_cycle=previous.cycle, answers=answers, members=members,
                      key_factors=key_factors, targets=len(targets))
    return record


def _copy_team(earlier: AssessmentData, data: AssessmentData) -> list[str]:
    """The earlier team's roles, assigned items and consensus lead; the usernames copied."""
    team = earlier.team.members()
    for username in sorted(team):
        member = team[username]
        for role in sorted(member.roles):
            data.team.add_role(username, role)
            if role in (Role.WRITER, Role.EXAMINER) and member.assigned.get(role):
                data.team.assign(username, role, member.assigned[role])
    lead = earlier.team.consensus_lead()
    if lead in team and Role.EXAMINER in team[lead].roles:
        data.team.set_consensus_lead(lead)
    return sorted(team)


def _copy_key_factors(earlier: AssessmentData, data: AssessmentData) -> list[str]:
    """The earlier key factors under their ids (so tags read alike across cycles), with the
    numbers given out so far (a K number is never given to another factor); their ids."""
    factors = earlier.key_factors.all()
    if factors or earlier.key_factors.highest_issued():
        data.key_factors.replace(factors, earlier.key_factors.highest_issued())
    return [factor.id for factor in factors]


def _carry_over_answers(earlier: AssessmentData, data: AssessmentData, framework: Framework,
                        from_cycle: str) -> int:
    """Every answered question of the framework (retired ones too: their text stays readable
    for the writer to move) as revision 1 of the new cycle, marked as carried over; the text
    keeps its author and time. Returns how many."""
    copies = tuple(
        Answer(question=answer.question, text=answer.text, revision=1,
               updated_at=answer.updated_at, updated_by=answer.updated_by,
               carried_over_from=from_cycle)
        for answer in _answers_to_carry(earlier, framework))
    if copies:
        data.answers.save([answer.question for answer in copies],
                          lambda current: SaveResult(saved=copies, conflicts=()))
    return len(copies)


def _answers_to_carry(earlier: AssessmentData, framework: Framework) -> list[Answer]:
    return [answer for question_id, answer in sorted(earlier.answers.all().items())
            if answer.is_answered and framework.has_question(question_id)]


def carried_over_on(questions: Iterable[Question], answers: Mapping[str, Answer]) -> int:
    """How many of these questions' answers are still carried over, not yet reviewed."""
    return sum(1 for question in questions
               if (answer := answers.get(question.id)) is not None and answer.carried_over_from)


def carried_over(framework: Framework, answers: Mapping[str, Answer]) -> CarriedOver:
    """The carried-over answers left to review on the profile and on each item (the questions
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
