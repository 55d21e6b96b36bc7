"""``communique serve --store DIR``: the HTTP API (and dashboard, when installed) with uvicorn."""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import tempfile
from pathlib import Path

import typer

from communique.cli import app
from communique.cli.output import err


def openapi_text() -> str:
    """The API schema as committed in ``docs/openapi.json``: that of a read-only server (the schema
    does not depend on the store's content, so an empty store is used)."""
    from communique.api import create_app
    from communique.store import open_store

    with tempfile.TemporaryDirectory(prefix="communique-openapi-") as tmp:
        open_store(Path(tmp) / "store", create=True)
        app_ = create_app(Path(tmp) / "store")
        schema = app_.openapi()
        app_.state.api.store.close()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    store: Path | None = typer.Option(None, "--store", "-s", help="The store folder to serve (required)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(
        None, "--token", envvar="COMMUNIQUE_API_TOKEN",
        help="Enable POST /api/ingest for requests bearing this token (also from $COMMUNIQUE_API_TOKEN).",
    ),
    allow_host: list[str] = typer.Option(
        [], "--allow-host", help="Another Host name to accept (the server refuses unknown Host headers)."
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, max=16,
        help="Worker processes (each holds its own snapshot of the store in memory; about one per core).",
    ),
    print_openapi: bool = typer.Option(
        False, "--print-openapi", help="Print the OpenAPI schema (as in docs/openapi.json) and exit."
    ),
) -> None:
    """Serve the store over HTTP: JSON/CSV/NDJSON API under /api, schema at /openapi.json. Read-only
    unless started with --token."""
    from communique.errors import UsageError

    if print_openapi:
        sys.stdout.write(openapi_text())
        return
    if store is None:
        raise UsageError("--store DIR is required (the store folder to serve)")
    if token is not None and len(token) < 16:
        raise UsageError("--token: use at least 16 characters (e.g. `python -c 'import secrets; "
                         "print(secrets.token_urlsafe())'`)")
    import uvicorn

    from communique.api import LOOPBACK_HOSTS, create_app
    from communique.store import open_store

    hosts = [*LOOPBACK_HOSTS, *allow_host]
    if host not in hosts and host not in ("0.0.0.0", "::"):  # noqa: S104 - naming, not binding
        hosts.append(host)
    if not _is_loopback(host):
        err(f"warning: listening on {host}, reachable from other machines; "
            "only Host names in --allow-host are answered")
    options = {"log_level": "warning", "server_header": False, "limit_concurrency": 256, "timeout_keep_alive": 5}
    if workers == 1:
        api = create_app(store, token=token, allowed_hosts=hosts)
        err(f"serving {store} on http://{host}:{port}/api (schema: /openapi.json)"
            + ("; ingest enabled" if token else "; read-only"))
        uvicorn.run(api, host=host, port=port, **options)  # type: ignore[arg-type]
        return
    from communique.api.app import SERVE_CONFIG_ENV

    open_store(store).close()  # a bad store is reported here, once, not by every worker
    # Worker processes build the app from the environment (uvicorn imports it by name); the
    # token travels the same way it may arrive, in $COMMUNIQUE_API_TOKEN.
    os.environ[SERVE_CONFIG_ENV] = json.dumps({"store": str(store), "allowed_hosts": hosts})
    if token:
        os.environ["COMMUNIQUE_API_TOKEN"] = token
    else:
        os.environ.pop("COMMUNIQUE_API_TOKEN", None)
    err(f"serving {store} on http://{host}:{port}/api with {workers} workers (schema: /openapi.json)"
        + ("; ingest enabled" if token else "; read-only"))
    uvicorn.run("communique.api.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                **options)  # type: ignore[arg-type]
