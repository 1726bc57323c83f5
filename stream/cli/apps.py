"""The typer applications that make up the ``logwarden`` command.

Command modules import the group they belong to from here and decorate their functions;
``stream.cli`` imports every command module once, so adding a command is one new module
plus one import line there.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="logwarden",
    help="Streaming log analysis for SOC and IT operations.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)
dev_app = typer.Typer(help="Local development helpers (embedded broker).", no_args_is_help=True)
config_app = typer.Typer(help="Inspect the effective configuration.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print comparable figures.", no_args_is_help=True)
setup_app = typer.Typer(help="Install Elasticsearch and Kibana assets.", no_args_is_help=True)
classify_app = typer.Typer(help="Classify tickets or log lines offline.", no_args_is_help=True)
train_app = typer.Typer(help="Train and ship the classifier models.", no_args_is_help=True)
models_app = typer.Typer(help="The models in use: version, labels, queues, card.")
deadletter_app = typer.Typer(help="Inspect and re-feed dead-lettered events.", no_args_is_help=True)

app.add_typer(dev_app, name="dev")
app.add_typer(config_app, name="config")
app.add_typer(bench_app, name="bench")
app.add_typer(setup_app, name="setup")
app.add_typer(classify_app, name="classify")
app.add_typer(train_app, name="train")
app.add_typer(deadletter_app, name="deadletter")
app.add_typer(models_app, name="models")
