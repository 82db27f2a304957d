"""The data folder: a small index of assessments and one TinyDB file per assessment.

A write to one assessment rewrites only that assessment's file, in a folder of its own (where
its temporary file, rename and folder fsync happen), so its cost follows what that assessment
weighs, not how many assessments the data folder holds.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..organizations import UnknownAssessment
from .audit_log import AUDIT_FILE, AuditFile
from .files import DataFile, DataFileError, fsync_dir, fsync_file, read_tables
from .performance import PERFORMANCE_FILE, TinyPerformance
from .repositories import TinyAssessmentData, TinyAssessments, TinyOrganizations, TinyUsers

INDEX_FILE = "assessments.json"
USERS_FILE = "users.json"
ASSESSMENT_DIR = "assessments"
ASSESSMENT_FILE = "assessment.json"
ORGANIZATION_DIR = "organizations"
_ID = re.compile(r"^[a-z0-9]{12}$")
# What files.atomic_write_bytes writes beside a data file before renaming it into place:
# ".NAME.<random>.tmp". One left behind is from a write that was interrupted (a crash, a kill).
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.[^.]+\.tmp$")


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: Path
    problem: str | None


class Store:
    """Every data file of one assessor installation, under `root`, behind its repositories."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        (self.root / ASSESSMENT_DIR).mkdir(parents=True, exist_ok=True)
        self.index = DataFile(self.root / INDEX_FILE)
        self.users_file = DataFile(self.root / USERS_FILE)
        self._files: dict[str, DataFile] = {}
        self.organizations = TinyOrganizations(self.index, self.root / ORGANIZATION_DIR)
        self.assessments = TinyAssessments(self.index, self.assessment_file)
        self.users = TinyUsers(self.users_file)
        from .staging import discard_unfinished  # staging.py builds on this module

        discard_unfinished(self)  # what an interrupted load of many records left (the demo)

    def assessment_data(self, assessment_id: str) -> TinyAssessmentData:
        return self.assessments.data(assessment_id)

    def organization_data(self, organization_id: str) -> TinyPerformance:
        """The organization's units, strategy, KPIs and measurements (UnknownOrganization)."""
        return self.organizations.performance(organization_id)

    def assessment_file(self, assessment_id: str) -> DataFile:
        data_file = self._files.get(assessment_id)
        if data_file is None:
            if not _ID.fullmatch(assessment_id):  # never a path outside the data folder
                raise UnknownAssessment(assessment_id)
            folder = self.root / ASSESSMENT_DIR / assessment_id
            folder.mkdir(exist_ok=True)
            data_file = self._files.setdefault(assessment_id, DataFile(folder / ASSESSMENT_FILE))
        return data_file

    def is_empty(self) -> bool:
        return not self.index.exists()

    # -- maintenance -------------------------------------------------------------------------
    def data_files(self) -> Iterator[DataFile]:
        for shared in (self.index, self.users_file):
            if shared.exists():
                yield shared
        for path in sorted((self.root / ASSESSMENT_DIR).glob(f"*/{ASSESSMENT_FILE}")):
            yield self.assessment_file(path.parent.name)
        for path in sorted((self.root / ORGANIZATION_DIR).glob(f"*/{PERFORMANCE_FILE}")):
            yield DataFile(path)

    def _is_assessment(self, data_file: DataFile) -> bool:
        return data_file.path.name == ASSESSMENT_FILE and \
            data_file.path.parent.parent == self.root / ASSESSMENT_DIR

    def check(self, validate: Callable[[TinyAssessmentData], object] | None = None
              ) -> list[FileCheck]:
        """Load every data file (and `validate` each assessment's content, if given); a file
        that cannot be used is named with its problem."""
        results = []
        for data_file in self.data_files():
            try:
                read_tables(data_file.path)
                if data_file.path.name == PERFORMANCE_FILE:
                    TinyPerformance("", data_file.path.parent).validate()
                elif validate and self._is_assessment(data_file):
                    validate(self.assessment_data(data_file.path.parent.name))
            except DataFileError as error:
                results.append(FileCheck(data_file.path, error.reason))
            else:
                results.append(FileCheck(data_file.path, None))
        return results

    def leftovers(self) -> list[Path]:
        """Temporary files that interrupted writes left beside the data files. They hold no
        data the store reads (the data file is whole, old or new) and only take space."""
        folders = [self.root, *sorted(p for p in (self.root / ASSESSMENT_DIR).iterdir()
                                      if p.is_dir()),
                   *sorted(p for p in (self.root / ORGANIZATION_DIR).glob("*") if p.is_dir())]
        return [path for folder in folders for path in sorted(folder.glob(".*.tmp"))
                if path.is_file() and _TEMPORARY.match(path.name)]

    def remove_leftovers(self) -> list[Path]:
        """Remove the leftovers, each under its data file's lock, so that a write going on in a
        running server (whose temporary file looks the same) is never cut short."""
        removed = []
        for path in self.leftovers():
            owner = DataFile(path.parent / _TEMPORARY.match(path.name)["name"])  # type: ignore[index]
            with owner.locked():
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue  # that write finished (renamed it) or failed (removed it) meanwhile
            removed.append(path)
        return removed

    def backup(self, destination: Path | str) -> list[Path]:
        """Copy every data file (under its lock) and audit trail (its whole lines) to
        `destination`, so that no copy is torn."""
        destination = Path(destination)
        if destination.exists() and any(destination.iterdir()):
            raise FileExistsError(f"{destination} is not empty; choose a new folder")
        copied = []
        for data_file in self.data_files():
            target = destination / data_file.path.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            with data_file.locked():
                shutil.copy2(data_file.path, target)
            fsync_file(target)
            copied.append(target)
            audit = AuditFile(data_file.path.parent)  # organizations' trails: below
            if self._is_assessment(data_file) and audit.path.exists():
                copied.append(audit.copy_to(target.parent / audit.path.name))
        for trail in sorted((self.root / ORGANIZATION_DIR).glob("*/" + AUDIT_FILE)):
            target = destination / trail.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            copied.append(AuditFile(trail.parent).copy_to(target))
        for folder in {p.parent for p in copied}:
            fsync_dir(folder)
        return copied
