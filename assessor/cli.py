"""`flask --app assessor ...` commands: criteria check, organizations, demo data, data checks,
backups, upgrades, exports, targets, the gap report and improvement plans."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from .answers import load_answers
from .criteria import Framework, check_framework, load_framework
from .demo import DEMO_PASSWORD, load_demo
from .export import export_assessment
from .extensions import store_of, users_of
from .gap_export import gaps_csv, gaps_json_text, gaps_markdown
from .gaps import cycle_gap_report
from .kpi_cli import kpis_cli
from .organizations import (
    AssessmentRecord,
    OrganizationError,
    UnknownAssessment,
    create_organization,
)
from .paths import framework_named
from .plans_cli import plans_command
from .storage.files import SCHEMA_VERSION
from .storage.store import Store
from .storage.upgrade import upgrade
from .targets import TargetError, set_targets
from .users import UserError
from .web.messages import organization_error, user_error

criteria_cli = AppGroup("criteria", help="Work with framework (criteria) files.")


def summary_lines(framework: Framework) -> list[str]:
    """A one-screen summary: categories, items, points, questions asked and retired per item."""
    questions = sum(len(item.questions) for item in framework.items)
    retired = sum(len(item.retired_questions) for item in framework.items)
    profile_questions = sum(len(part.questions) for part in framework.profile.parts)
    width = max(len(item.title.en) for item in framework.items) + 2
    lines = [
        f"{framework.title.en} / {framework.title.zh}",
        f"{len(framework.categories)} categories, {len(framework.items)} items, "
        f"{framework.total_points} points, {questions} item questions "
        f"(+{profile_questions} in the profile), {retired} retired questions kept for their "
        "answers",
        f"  {'id':<7} {'title':<{width}} {'kind':<8} {'points':>6} {'questions':>9} "
        f"{'retired':>7}",
    ]
    for category in framework.categories:
        lines.append(
            f"  {category.id:<7} {category.title.en:<{width}} {'':<8} {category.points:>6}"
        )
        lines.extend(
            f"  {item.id:<7}   {item.title.en:<{width - 2}} {item.kind.value:<8} "
            f"{item.points:>6} {len(item.questions):>9} {len(item.retired_questions):>7}"
            for item in category.items
        )
    bands = ", ".join(f"{b.min}-{b.max}" for b in framework.scoring.overall)
    lines.append(f"scoring: {len(framework.scoring.guidelines)} guidelines in "
                 f"{framework.scoring.step}% steps; overall bands {bands}")
    return lines


@criteria_cli.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def criteria_check(file: Path) -> None:
    """Validate a framework FILE and print its summary, or its errors (exit status 1)."""
    _, problems = check_framework(file)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{file}: {len(problems)} problem(s); the file cannot be used.", err=True)
        raise SystemExit(1)
    for line in summary_lines(load_framework(file)):
        click.echo(line)


def _store() -> Store:
    return store_of(current_app)


def _worded(words: Callable[[Exception], str], error: Exception) -> str:
    """A refusal in words, as the pages word it, in the installation's default language."""
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return words(error)


organizations_cli = AppGroup("organizations", help="List and create organizations.")


@organizations_cli.command("create")
@click.argument("name")
@click.option("--manager", default=None, help="A username to make the organization's manager.")
def organizations_create(name: str, manager: str | None) -> None:
    """Create an organization called NAME; prints its id on the last line."""
    if manager and users_of(current_app).get(manager) is None:
        raise click.ClickException(f"There is no user '{manager}'.")
    try:
        organization = create_organization(_store().organizations, name, manager)
    except OrganizationError as error:
        raise click.ClickException(_worded(organization_error, error)) from error
    click.echo(f"Organization '{organization.name}' created.")
    click.echo(organization.id)


@organizations_cli.command("list")
def organizations_list() -> None:
    """Print every organization as id<TAB>name, one per line."""
    for organization in _store().organizations.all():
        click.echo(f"{organization.id}\t{organization.name}")


@click.command("upgrade-data")
@click.option("--backup-to", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to copy the folder first (default: a new folder beside it).")
@with_appcontext
def upgrade_data_command(backup_to: Path | None) -> None:
    """Upgrade a data folder written by an earlier assessor (after a backup copy)."""
    try:
        report = upgrade(_store(), backup_to)
    except FileExistsError as error:
        raise click.ClickException(str(error)) from error
    if report.backup is None:
        click.echo(f"The data folder is at data schema {SCHEMA_VERSION} already; nothing "
                   "to do.")
        return
    click.echo(f"Backed up the data folder to {report.backup}.")
    click.echo(f"Upgraded from data schema {report.from_schema} to {SCHEMA_VERSION}: "
               f"{report.organizations_created} organization(s) created, "
               f"{report.statements_given_ids} strengths and OFIs given ids.")


@click.command("export")
@click.argument("assessment_id")
@with_appcontext
def export_command(assessment_id: str) -> None:
    """Print the whole assessment ASSESSMENT_ID as JSON (for people's own tools and backups)."""
    try:
        exported = export_assessment(_store(), assessment_id)
    except UnknownAssessment as error:
        raise click.ClickException(f"There is no assessment '{assessment_id}'.") from error
    click.echo(json.dumps(exported, ensure_ascii=False, indent=2))


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Add the demo organizations' cycles (and the demo team) to the data folder."""
    click.echo("Loading the demo organizations...")
    for record in load_demo(_store(), users_of(current_app),
                            progress=lambda step: click.echo(f"  {step}")):
        click.echo(f"Demo organization '{record.organization}' created (current cycle "
                   f"{record.cycle}, id {record.id}).")
    click.echo(f"Demo accounts sign in with the password '{DEMO_PASSWORD}'.")


@click.command("create-admin")
@click.argument("username")
@click.option("--name", default="", help="The administrator's full name.")
@click.password_option(help="Asked for (twice) when not given.")
@with_appcontext
def create_admin_command(username: str, name: str, password: str) -> None:
    """Create an administrator account (the first one, or another)."""
    try:
        user = users_of(current_app).create(username, name, password, is_admin=True)
    except UserError as error:
        raise click.ClickException(_worded(user_error, error)) from error
    click.echo(f"Administrator '{user.username}' created; sign in and add users under Users.")


@click.command("check-data")
@click.option("--fix", is_flag=True,
              help="Remove temporary files left behind by interrupted writes.")
@with_appcontext
def check_data_command(fix: bool) -> None:
    """Load every data file and name any that is corrupt (exit status 1 if one is); name the
    temporary files interrupted writes left behind, and remove them with --fix."""
    store = _store()
    results = store.check(validate=load_answers)
    bad = [r for r in results if r.problem]
    for result in bad:
        click.echo(f"UNUSABLE {result.path}: {result.problem}", err=True)
    click.echo(f"{len(results) - len(bad)} of {len(results)} data files are sound.")
    if fix:
        for path in store.remove_leftovers():
            click.echo(f"REMOVED {path}: a temporary file left by an interrupted write")
    else:
        leftovers = store.leftovers()
        for path in leftovers:
            click.echo(f"LEFTOVER {path}: a temporary file left by an interrupted write")
        if leftovers:
            click.echo(f"{len(leftovers)} leftover temporary file(s) hold nothing the data "
                       "files need; `check-data --fix` removes them.")
    if bad:
        raise SystemExit(1)


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(path_type=Path, file_okay=False))
def backup_command(destination: Path) -> None:
    """Write a consistent copy of the data folder to DESTINATION (a new or empty folder)."""
    try:
        copied = _store().backup(destination)
    except FileExistsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {len(copied)} data files to {destination}.")


def _assessment(assessment_id: str) -> AssessmentRecord:
    try:
        return _store().assessments.get(assessment_id)
    except UnknownAssessment as error:
        raise click.ClickException(f"There is no assessment '{assessment_id}'.") from error


targets_cli = AppGroup("targets", help="Set an assessment's targets per item.")


def target_refusal(error: TargetError) -> str:
    """A refused target in words (the command line's; the pages word it in messages.py)."""
    entry = "--all" if error.data.get("item") is None else f"item {error.data['item']}"
    target = error.data.get("target")
    return {
        "target_unknown_item": f"The framework has no item {error.data.get('item')}.",
        "target_out_of_range": f"{entry}: {target} is outside 0-100.",
        "target_off_step": f"{entry}: {target} is not in {error.data.get('step')}% steps.",
        "target_none_given": "Give --all PCT or at least one --item ID=PCT.",
        "target_rationale_without_target":
            f"--rationale {error.data.get('item')}: give the item a target too.",
    }.get(error.code, str(error)) + " Nothing was stored."


def _pairs(option: str, values: tuple[str, ...], example: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        item_id, sep, given = value.partition("=")
        if not sep or not item_id.strip():
            raise click.ClickException(f"{option} {value}: expected {example}. "
                                       "Nothing was stored.")
        pairs[item_id.strip()] = given
    return pairs


def _item_targets(values: tuple[str, ...]) -> dict[str, int]:
    targets: dict[str, int] = {}
    for item_id, pct in _pairs("--item", values, "ID=PCT, such as 4.1.2=60").items():
        try:
            targets[item_id] = int(pct)
        except ValueError:
            raise click.ClickException(f"--item {item_id}={pct}: expected ID=PCT, such as "
                                       "4.1.2=60. Nothing was stored.") from None
    return targets


@targets_cli.command("set")
@click.argument("assessment_id")
@click.option("--all", "all_items", type=int, default=None, help="A target for every item.")
@click.option("--item", "item_targets", multiple=True, metavar="ID=PCT",
              help="A target for one item (repeatable); overrides --all.")
@click.option("--rationale", "item_rationales", multiple=True, metavar="ID=TEXT",
              help="Why an item has its target (repeatable).")
@click.option("--by", default="", help="The username to record as having set them.")
def targets_set(assessment_id: str, all_items: int | None, item_targets: tuple[str, ...],
                item_rationales: tuple[str, ...], by: str) -> None:
    """Set the targets of ASSESSMENT_ID (percent of each item's points, in 5% steps)."""
    record = _assessment(assessment_id)
    items = _item_targets(item_targets)
    rationales = _pairs("--rationale", item_rationales, "ID=TEXT")
    data = _store().assessments.data(record.id)
    try:
        stored = set_targets(data, framework_named(record.framework), by, all_items, items,
                             rationales)
    except TargetError as error:
        raise click.ClickException(target_refusal(error)) from error
    wanted = set(items) | (set(stored) if all_items is not None else set())
    for item_id in sorted(wanted, key=lambda i: [int(part) for part in i.split(".")]):
        click.echo(f"{item_id}\t{stored[item_id].target_pct}%")
    click.echo(f"Stored {len(wanted)} target(s) of {record.organization} {record.cycle}.")


@click.command("gaps")
@click.argument("assessment_id")
@click.option("--format", "output", type=click.Choice(["json", "csv", "md"]), default="json",
              show_default=True)
@with_appcontext
def gaps_command(assessment_id: str, output: str) -> None:
    """Print the gap report of ASSESSMENT_ID (largest gap first) as JSON, CSV or Markdown."""
    record = _assessment(assessment_id)
    framework = framework_named(record.framework)
    report = cycle_gap_report(_store().assessments, record, framework)
    if output == "json":
        click.echo(gaps_json_text(report))
    elif output == "csv":
        click.echo(gaps_csv(report), nl=False)
    else:
        click.echo(gaps_markdown(report, framework), nl=False)


def init_app(app: Flask) -> None:
    app.cli.add_command(criteria_cli)
    app.cli.add_command(organizations_cli)
    app.cli.add_command(targets_cli)
    app.cli.add_command(kpis_cli)
    for command in (demo_command, create_admin_command, check_data_command, backup_command,
                    export_command, upgrade_data_command, gaps_command, plans_command):
        app.cli.add_command(command)
