"""communique: structured, verifiable diplomatic intelligence from the news.

The Python API in one place::

    from communique import Pipeline, read_inputs
    pipe = Pipeline()
    for item in read_inputs(["examples/iran_russia_talks.txt"]):
        analysis = pipe.analyze(item)
"""

from communique.config import Settings
from communique.ingest import read_inputs
from communique.pipeline import Pipeline
from communique.records import (
    ActorMention,
    Analysis,
    Article,
    Brief,
    Event,
    EventActor,
    Quote,
    Reject,
    Speaker,
)

__version__ = "0.1.0"

__all__ = [
    "ActorMention",
    "Analysis",
    "Article",
    "Brief",
    "Event",
    "EventActor",
    "Pipeline",
    "Quote",
    "Reject",
    "Settings",
    "Speaker",
    "read_inputs",
]
