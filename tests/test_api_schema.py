"""Schemathesis against the committed schema (docs/openapi.json): generated requests, bounded examples.

Every operation is called with schema-generated parameters on a small store; responses must not be
server errors and must conform to the schema (status codes, content types, JSON bodies). Ten examples
per operation by default (keeps the suite fast); CI runs
``SCHEMATHESIS_EXAMPLES=25 pytest tests/test_api_schema.py``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from communique.api import LOOPBACK_HOSTS, create_app
from communique.relations.synthetic import build_store
from test_relations import fixture_analyses

ROOT = Path(__file__).resolve().parent.parent
# A request can be valid in form and not in meaning (the dyad IRN/IRN, since after until): the API
# answers 400 with the reason, which schema-valid requests may therefore get.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "400", "404"]}}})
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))


def _schema() -> schemathesis.schemas.BaseSchema:
    """The committed schema, calling an app over a small store (built when the module is collected:
    schemathesis makes one test per operation from a schema it has at import time)."""
    tmp = Path(tempfile.mkdtemp(prefix="communique-schema-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    build_store(tmp / "store", fixture_analyses())[0].close()
    loaded = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.json", config=CONFIG)
    # Schemathesis calls an ASGI app with the Host "testserver".
    loaded.app = create_app(tmp / "store", allowed_hosts=[*LOOPBACK_HOSTS, "testserver"])
    return loaded


schema = _schema()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_the_committed_schema(case):
    case.call_and_validate()
