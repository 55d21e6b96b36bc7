"""The ``communique`` command: a thin Typer layer over the library.

Each command lives in its own module under ``cli/`` and only parses arguments, calls library
functions and formats output (``cli/output.py``). Standard output carries only the requested
data; messages, progress and summaries go to standard error. Exit codes: 0 all inputs processed,
1 some inputs rejected, 2 usage errors.
"""

from __future__ import annotations

import sys

import typer

from communique.errors import CommuniqueError, UsageError

app = typer.Typer(
    name="communique",
    help="Structured, verifiable diplomatic intelligence from the news: actors, quotes, "
    "PLOVER/CAMEO events, stories, relations and briefs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _register() -> None:
    # Import command modules for their side effect of adding commands to ``app``.
    import importlib

    for name in ("analyze", "eval", "store", "stories", "brief", "relations", "serve"):
        try:
            importlib.import_module(f"communique.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"communique.cli.{name}":
                raise


_register()


def main() -> None:
    """Console entry point: maps library errors to one-line messages and exit codes."""
    from communique.cli.output import err

    try:
        app()
    except UsageError as exc:
        err(f"error: {exc}")
        sys.exit(2)
    except CommuniqueError as exc:
        err(f"error: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
