"""Errors users see. Each names the input and the reason, in one line."""

from __future__ import annotations


class CommuniqueError(Exception):
    """Base class: an error with a message fit for a user's terminal."""


class InputError(CommuniqueError):
    """An input (file, URL, feed, row) could not be read or turned into an article."""

    def __init__(self, input_name: str, reason: str) -> None:
        super().__init__(f"{input_name}: {reason}")
        self.input_name = input_name
        self.reason = reason


class FetchRefused(InputError):
    """A URL was refused before fetching (private address, bad scheme, too many redirects)."""


class StoreError(CommuniqueError):
    """The store could not be opened or written."""


class UsageError(CommuniqueError):
    """The user asked for something that cannot be done as asked (exit code 2)."""
