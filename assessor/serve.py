"""`assessor serve`: start the app under waitress, with the demo organization on first run."""

from __future__ import annotations

import click

from . import create_app
from .demo import DEMO_PASSWORD, load_demo
from .extensions import store_of, users_of
from .storage.upgrade import UPGRADE_NEEDED, needs_upgrade

# What loading the demo takes on an ordinary machine (most of it computing, not the disk).
DEMO_LOAD_SECONDS = 5


def _step(step: str) -> None:
    click.echo(f"  {step}")


@click.group()
def main() -> None:
    """assessor: performance excellence self-assessment."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve assessor with waitress; an empty data folder gets the demo assessment first."""
    from waitress import serve as waitress_serve

    app = create_app()
    store = store_of(app)
    if needs_upgrade(store):
        raise click.ClickException(UPGRADE_NEEDED.format(folder=store.root))
    if store.is_empty():
        click.echo(f"Loading the demo organizations (about {DEMO_LOAD_SECONDS} s)...")
        records = load_demo(store, users_of(app), progress=_step)
        names = ", ".join(f"'{record.organization}'" for record in records)
        click.echo(f"Loaded the demo organizations {names}. Demo accounts: "
                   f"coordinator, writer, examiner1-3, leader, admin; password "
                   f"'{DEMO_PASSWORD}' (demo only: create real accounts for real work).")
    click.echo(f"Data folder: {app.config['DATA_DIR']}")
    click.echo(f"assessor is running at http://{host}:{port}/  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads)
