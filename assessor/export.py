"""The whole of one assessment as plain JSON data, for people's own tools and backups.

The shape is a contract other programs read: keys are only ever added, never renamed.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Protocol

from .answers import Answer
from .repositories import AssessmentIndex, OrganizationRepository

EXPORT_FORMAT = "assessor-assessment"
EXPORT_VERSION = 1


class _Repositories(Protocol):
    organizations: OrganizationRepository
    assessments: AssessmentIndex


def export_assessment(store: _Repositories, assessment_id: str) -> dict[str, Any]:
    """Everything stored of the assessment (raises UnknownAssessment)."""
    record = store.assessments.get(assessment_id)
    organization = store.organizations.get(record.organization_id)
    data = store.assessments.data(record.id)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "assessment": {
            "id": record.id, "cycle": record.cycle, "framework": record.framework,
            "created_at": record.created_at, "phase": data.phase.current().value,
            "organization": {"id": organization.id, "name": organization.name},
        },
        "answers": {question: _answer(answer)
                    for question, answer in sorted(data.answers.all().items())},
        "team": [{"username": member.username, "roles": sorted(member.roles),
                  "assigned": {role: sorted(items) for role, items in member.assigned.items()},
                  "consensus_lead": member.consensus_lead}
                 for member in sorted(data.team.members().values(), key=lambda m: m.username)],
        "key_factors": [{"id": factor.id, "text": factor.text}
                        for factor in data.key_factors.all()],
        "settings": dict(data.settings.get()),
        "reviews": sorted((review.to_doc() for review in data.reviews.all()),
                          key=lambda doc: (doc["item"], doc["examiner"])),
        "consensus": {item: {key: value for key, value in record.to_doc().items()
                             if key != "item"}
                      for item, record in sorted(data.consensus.all().items())},
        "targets": {item: {key: value for key, value in target.to_doc().items()
                           if key != "item"}
                    for item, target in sorted(data.targets.all().items())},
        "audit": [asdict(entry) for entry in data.audit.read().entries],
    }


def _answer(answer: Answer) -> dict[str, Any]:
    """An answer's fields; carried_over_from only while the text is the earlier cycle's."""
    fields: dict[str, Any] = {"text": answer.text, "revision": answer.revision,
                              "updated_at": answer.updated_at, "updated_by": answer.updated_by}
    if answer.carried_over_from:
        fields["carried_over_from"] = answer.carried_over_from
    return fields
