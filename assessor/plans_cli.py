"""`flask --app assessor plans ORG_ID`: print the organization's improvement plans."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import store_of
from .organizations import UnknownOrganization
from .plan_export import plans_json


def _text_lines(document: dict) -> list[str]:
    lines = []
    for plan in document["plans"]:
        done = sum(action["status"] == "done" for action in plan["actions"])
        overdue = sum(action["overdue"] for action in plan["actions"])
        lines.append(f"{plan['id']}\t{plan['state']}\t{done}/{len(plan['actions'])} done"
                     f"{f', {overdue} overdue' if overdue else ''}\t{plan['title']}")
    return lines


@click.command("plans")
@click.argument("organization_id")
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="json",
              show_default=True)
@click.option("--on", "on_day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day actions are overdue after their due day (default: today).")
@with_appcontext
def plans_command(organization_id: str, output: str, on_day: object) -> None:
    """Print every plan of ORGANIZATION_ID with its state, OFI ids, KPI codes, actions and
    decisions."""
    store = store_of(current_app)
    try:
        records = store.organizations.performance(organization_id).read()
    except UnknownOrganization as error:
        raise click.ClickException(f"There is no organization '{organization_id}'.") from error
    today = on_day.date() if on_day else date.today()  # type: ignore[attr-defined]
    document = plans_json(records, today)
    if output == "json":
        click.echo(json.dumps({"organization": organization_id, **document},
                              ensure_ascii=False, indent=2))
    else:
        for line in _text_lines(document):
            click.echo(line)
