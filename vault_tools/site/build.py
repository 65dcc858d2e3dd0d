"""`vault-tools build` and `vault-tools serve`: fill the generated blocks, then let MkDocs build
or serve the site, with the `vault` plugin guaranteed to be active.

Serving binds to this machine only unless a password is given; with one, every request needs
HTTP basic authentication. While serving, each rebuild fills the blocks first, and the server
ignores the file events that fill's own writes cause, so one save leads to one rebuild.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..vault import Vault

log = logging.getLogger("mkdocs.plugins.vault")

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
REALM = "vault-tools"
# The safe writer's temporary files (writer._temp_name): never a reason to rebuild.
_WRITER_TEMP = re.compile(r"^\..*\.vault-tools-[0-9a-f]+\.tmp$")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SiteError(Exception):
    """The site cannot be built or served; the message says why and what to do."""


def log_to_stderr(level: int = logging.INFO) -> None:
    """Show MkDocs' and the plugin's messages the way `mkdocs build` does (for the CLI)."""
    logger = logging.getLogger("mkdocs")
    if any(getattr(h, "_vault_tools", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    handler._vault_tools = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def load_site_config(vault: Vault, **overrides: Any) -> Any:
    """The vault's MkDocs configuration, refusing one without the `vault` plugin: without it
    private notes would be published."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if vault.config_file is None:
        raise SiteError(f"{vault.root}: no mkdocs.yml here; the site needs one "
                        "(`vault-tools init` creates a vault with it)")
    try:
        config = load_config(config_file=str(vault.config_file), **overrides)
    except ConfigurationError as exc:
        raise SiteError(f"{vault.config_file}: {exc}") from None
    if "vault" not in config.plugins:
        raise SiteError(f"{vault.config_file}: add `- vault` under `plugins:`; without the vault "
                        "plugin, private notes would be published")
    return config


def fill_blocks(vault: Vault, own: OwnWrites | None = None) -> list[str]:
    """Fill the generated blocks (§5) before a build; returns the paths written. A vault whose
    blocks cannot be filled is still built, from the notes as they are.

    The index is handed to the plugin, so the build does not read every note a second time.
    With `own` (serving), the bytes about to be written are remembered *before* writing, so a
    file watcher that sees a write at once already knows it is the tool's own; the index fill
    made is then brought up to date with its writes and reused.
    """
    from ..fill import FillResult, apply_changes, dashboard_of, fill_vault, plan_fill
    from ..vault import load_index_and_texts, read_note
    from .plugin import preload

    if own is None:
        # `fill` knows when no note moved since it last ran (its manifest), and then reads
        # nothing; the build reads the notes once, after it.
        result = fill_vault(vault)
        _report(result)
        index, texts = load_index_and_texts(vault)
        preload(vault.notes_dir, index, texts)
        return list(result.written)
    index, texts = load_index_and_texts(vault)
    changes, skipped = plan_fill(index, texts, dashboard=dashboard_of(vault))
    result = FillResult(notes=len(index), changed=changes, skipped=skipped)
    if own is not None:
        own.expect({vault.abs(change.path): change.new.encode("utf-8") for change in changes})
    apply_changes(vault, changes, result)
    for path in result.written:
        note, text = read_note(vault, path)
        index.put(note)
        if text is not None:
            texts[path] = text
    preload(vault.notes_dir, index, texts)
    _report(result)
    return list(result.written)


def _report(result: Any) -> None:
    for diag in [*result.skipped, *result.failed]:
        where = f"{diag.path}:{diag.line}" if diag.line else diag.path
        log.warning(f"{where}: not filled: {diag.message}")


def build_site(vault: Vault, *, strict: bool = False, fill: bool = True) -> Path:
    """Fill, then build the site into `<vault root>/site/`. Returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    site_dir = vault.root / "site"
    config = load_site_config(vault, site_dir=str(site_dir), strict=strict)
    if fill:
        fill_blocks(vault)
    try:
        build(config)
    except MkDocsException as exc:
        raise SiteError(_build_failure(config, exc)) from None
    return site_dir


def _build_failure(config: Any, exc: Exception) -> str:
    """Why a build failed: the leak report when there is one (MkDocs itself only says
    "Aborted with a BuildError!")."""
    plugin = config.plugins.get("vault")
    return getattr(plugin, "leak_error", "") or str(exc) or type(exc).__name__


# --- serve --------------------------------------------------------------------------------------


def check_bind(host: str, password: str | None) -> None:
    """Refuse to expose the site beyond this machine without a password (§7)."""
    if host not in LOCAL_HOSTS and not password:
        raise SiteError(
            f"refusing to serve on {host} without --password: anyone who can reach this "
            "machine could read your notes. Use --host 127.0.0.1 (the default), or set "
            "--password to require one"
        )


def basic_auth(app: WsgiApp, password: str, realm: str = REALM) -> WsgiApp:
    """Wrap a WSGI app so every request needs HTTP basic auth with `password` (any user name)."""
    expected = password.encode("utf-8")

    def authorized(header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        _, _, given = decoded.partition(b":")
        return hmac.compare_digest(given, expected)

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if authorized(environ.get("HTTP_AUTHORIZATION", "")):
            return app(environ, start_response)
        start_response("401 Unauthorized", [
            ("WWW-Authenticate", f'Basic realm="{realm}", charset="UTF-8"'),
            ("Content-Type", "text/plain; charset=utf-8"),
        ])
        return [b"This vault needs a password.\n"]

    return guarded


class OwnWrites:
    """Files the tool wrote itself, by content hash: their file events are not edits."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}

    def expect(self, contents: dict[Path, bytes]) -> None:
        """Remember the bytes about to be written to each path."""
        for path, data in contents.items():
            self._hashes[os.path.abspath(path)] = hashlib.sha256(data).hexdigest()

    def caused(self, path: str) -> bool:
        """True when the event at `path` is explained by the tool's own writes."""
        if _WRITER_TEMP.match(os.path.basename(path)):
            return True
        wanted = self._hashes.get(os.path.abspath(path))
        return wanted is not None and _digest(Path(path)) == wanted


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def serve_site(vault: Vault, *, host: str = "127.0.0.1", port: int = 8000,
               password: str | None = None, fill: bool = True) -> None:
    """Fill and build the site into a temporary folder and serve it with live reload until
    interrupted. Each change to the notes (or mkdocs.yml) fills and rebuilds once."""
    from mkdocs.commands.build import build
    from mkdocs.livereload import LiveReloadServer, _serve_url

    check_bind(host, password)
    own = OwnWrites()
    site_dir = tempfile.mkdtemp(prefix="vault-tools-site-")

    def get_config() -> Any:
        return load_site_config(vault, site_dir=site_dir, dev_addr=f"{host}:{port}")

    try:
        config = get_config()
    except SiteError:
        shutil.rmtree(site_dir, ignore_errors=True)
        raise
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)
    config.site_url = serve_url

    def builder(config: Any = None) -> None:
        if fill:
            fill_blocks(vault, own)
        if config is None:
            config = get_config()
            config.site_url = serve_url
        log.info("Building the site...")
        build(config, serve_url=serve_url)

    class VaultServer(LiveReloadServer):
        """MkDocs' live-reload server, deaf to the tool's own writes."""

        def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
            import watchdog.events

            path = os.path.abspath(path)
            if path in self._watched_paths:
                self._watched_paths[path] += 1
                return
            self._watched_paths[path] = 1

            def callback(event: Any) -> None:
                if event.is_directory:
                    return
                paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
                if all(own.caused(os.fsdecode(p)) for p in paths):
                    return
                with self._rebuild_cond:
                    self._want_rebuild = True
                    self._rebuild_cond.notify_all()

            handler = watchdog.events.FileSystemEventHandler()
            handler.on_any_event = callback  # type: ignore[method-assign]
            self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    try:
        server = VaultServer(builder=builder, host=host, port=port, root=site_dir,
                             mount_path=mount_path)
    except OSError as exc:
        shutil.rmtree(site_dir, ignore_errors=True)
        raise SiteError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    if password:
        server.set_app(basic_auth(server.serve_request, password))

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        try:
            builder(config)
        except Exception as exc:
            from mkdocs.exceptions import MkDocsException

            if isinstance(exc, MkDocsException):
                raise SiteError(_build_failure(config, exc)) from None
            raise
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        except OSError as exc:
            raise SiteError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
