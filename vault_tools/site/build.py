"""`vault-tools build` and `vault-tools serve`: fill the generated blocks, then let MkDocs build
or serve the site, with the `vault` plugin guaranteed to be active.

Serving binds to this machine only unless a password is given; with one, every request needs
HTTP basic authentication. While serving, the watcher fills the blocks a save affects, then the
site rebuilds only the pages that change (`incremental.LiveSite`): one save, one rebuild.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import errno
import hmac
import ipaddress
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .. import gcpolicy
from ..vault import (
    NoteReader,
    Vault,
    in_reserved_folder,
    is_note_path,
    is_skipped,
    loop_message,
    scan_notes,
)

log = logging.getLogger("mkdocs.plugins.vault")

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
REALM = "vault-tools"
# Where a served page loads its live-reload script from: a file of the site's origin, which
# the pages' Content-Security-Policy allows (MkDocs writes the script inline, which it does not).
LIVERELOAD_SCRIPT = "/.vault-tools/livereload.js"
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


def _report(result: Any) -> None:
    for diag in [*result.skipped, *result.failed]:
        if diag.code == "outside-vault":
            continue  # the plugin warns about it once, for the pages and files it leaves out
        where = f"{diag.path}:{diag.line}" if diag.line else diag.path
        log.warning(f"{where}: not filled: {diag.message}")


def build_site(vault: Vault, *, strict: bool = False, fill: bool = True,
               filling: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
               rendering: Callable[[int], AbstractContextManager[Any]] = (
                   lambda pages: contextlib.nullcontext()),
               clean: bool = False, today: dt.date | None = None) -> Path:
    """Fill, then build the site into `<vault root>/site/`. Returns the site folder.

    The build is `mkdocs build`'s, run by `LiveSite`: with the site cache of the vault
    (`site_cache`, in `manifest.cache_dir`), only the pages whose inputs changed since the last
    build are rendered, and the result is byte for byte a clean build's. `clean` ignores and
    replaces the cache. `filling` wraps the fill and the load of the notes: the `build` command
    passes its garbage-collector policy (`gcpolicy.frozen_after_load`: the index just loaded
    lives until the build ends), and `rendering` the rest of the build (`LiveSite`). `today`:
    the date the site is built as of (the dashboards'), today's by default."""
    from mkdocs.exceptions import Abort, MkDocsException
    from mkdocs.utils import CountHandler

    from ..manifest import cache_dir
    from .compiled_templates import Compiling
    from .incremental import LiveSite
    from .leaks import ScanProcess, start_scan_process
    from .parsed_notes import ParsedNotes
    from .search_parse import SearchParses
    from .site_cache import SiteCache

    site_dir = vault.root / "site"
    compiled: Compiling | None = None
    scanning: ScanProcess | None = None
    parses: SearchParses | None = None
    config = load_site_config(vault, site_dir=str(site_dir), strict=strict)
    loops = scan_notes(vault.notes_dir).loops
    if loops:  # the plugin refuses them too, but MkDocs would add a second, vaguer line
        raise SiteError(loop_message(loops[0]))
    folder = cache_dir(vault)
    cache = SiteCache(folder, vault.root) if folder is not None else None
    # Warnings counted as `mkdocs build` counts them, for --strict.
    counter = CountHandler(level=logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        with cache.lock() if cache is not None else contextlib.nullcontext():
            # The theme's templates compiled by a second process meanwhile, and one forked
            # now (while this one is small) to leak-scan the pages.
            compiled = Compiling.start(config.theme)
            scanning = start_scan_process()
            parses = SearchParses.start()  # (Material's search parse of the pages read)
            # The notes as parsed by earlier runs (`parsed_notes`): recorded again for the
            # next run, then let go of before the pages are rendered.
            parsed = ParsedNotes.load(folder, trust=not clean)
            with filling():
                loaded = _fill_and_load(vault, fill, parsed.note_from_data)
            parsed.save()
            del parsed
            # (the site cache's record, loaded, lives as long as the notes: as they are)
            live = LiveSite(vault, config, cache=cache, today=_day(today), once=True,
                            recording=filling, rendering=rendering, compiled=compiled,
                            scanning=scanning, parses=parses)
            log.info(live.build(clean=clean, loaded=loaded[:2],
                                followups=loaded[2]).describe())
        counts = counter.get_counts()
        if strict and counts:
            said = ", ".join(f"{n} {level.lower()}s" for level, n in counts)
            raise Abort(f"Aborted with {said} in strict mode!")
    except MkDocsException as exc:
        with contextlib.suppress(Exception):
            config.plugins.on_build_error(error=exc)
        raise SiteError(_build_failure(config, exc)) from None
    except OSError as exc:  # a full disk, a read-only or unwritable site folder...
        raise SiteError(_disk_failure(exc)) from None
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
        if compiled is not None:
            compiled.discard()  # (if the build stopped before it began)
        if scanning is not None:
            scanning.kill()  # (if it never got as far as its pages: else a no-op)
        if parses is not None:
            parses.discard()  # (likewise)
    return site_dir


def _fill_and_load(vault: Vault, fill: bool,
                   parse: NoteReader | None = None) -> tuple[Any, MutableMapping[str, str], Any]:
    """Fill (unless not `fill`), then the index and texts of the notes as they are now: the
    ones the fill read when it wrote none of them (one load of the vault, not two), else a
    load of its own; and the index's open follow-ups when the fill worked them out from that
    very index (None: not known). `parse`: what makes a Note of a note's bytes, for each
    note of a whole load (`vault.read_notes`)."""
    from ..fill import fill_vault
    from ..note_texts import NoteTexts
    from ..vault import load_index_and_texts, read_note

    if fill:
        read: list[tuple[Any, NoteTexts]] = []
        # (a vault whose blocks cannot be filled is still built, as it is)
        result = fill_vault(vault, loaded=read, parse=parse)
        _report(result)
        if read:
            index, texts = read[0]
            written = sorted(set(result.written))
            # The notes the fill wrote, read again (as `LiveSite.update` puts a saved note).
            for rel in written:
                note, text = read_note(vault, rel)
                if text is None:  # gone or unreadable since: the plain way
                    return (*load_index_and_texts(vault, parse=parse), None)
                index.put(note)
                texts[rel] = text
            # (a note put again may change follow-ups: then the site works them out)
            return index, texts, None if written else result.followups
    return (*load_index_and_texts(vault, parse=parse), None)


def _day(today: dt.date | None) -> Callable[[], dt.date]:
    return dt.date.today if today is None else (lambda: today)


def _disk_failure(exc: OSError) -> str:
    """One line naming what could not be read or written and why (no traceback)."""
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.filename2:  # a copy: the second name is the file being written
        where = f"{exc.filename} -> {exc.filename2}: "
    code = ""
    if exc.errno is not None and exc.errno in errno.errorcode:
        code = f" ({errno.errorcode[exc.errno]})"
    return f"the site could not be built: {where}{exc.strerror or exc}{code}"


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


def _split_host(value: str) -> tuple[str, int | None] | None:
    """A Host header's (name, port), the name lower-cased without brackets or final dot; None
    when it is not a host name."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    else:
        name, colon, port_text = value.rpartition(":") if ":" in value else (value, "", "")
        port_text = port_text if colon else None
    if port_text is not None and not (port_text.isascii() and port_text.isdigit()):
        return None
    name = name.rstrip(".")
    return (name, int(port_text) if port_text else None) if name else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str | None, host: str, port: int, extra: Iterable[str] = ()) -> bool:
    """True when a request's Host header names this server: the address it is bound to,
    `localhost`, `127.0.0.1` or `[::1]`, each with its port, or a name the user allowed
    (`NAME` on any port, `NAME:PORT` on that one). Any other name may be a DNS rebinding
    (an attacker's name made to point to this machine, §7). Bound to every interface (0.0.0.0,
    ::), the machine's own addresses are not known in advance: any IP address is accepted
    then, since a rebinding always comes with a name."""
    found = _split_host(header or "")
    if found is None:
        return False
    name, given_port = found
    for allowed in extra:
        wanted = _split_host(allowed)
        if wanted is not None and wanted[0] == name and wanted[1] in (None, given_port):
            return True
    if (given_port or 80) != port:
        return False
    bound = host.strip("[]").lower()
    if name in ("localhost", "127.0.0.1", "::1", bound):
        return True
    return bound in ("0.0.0.0", "::", "") and _is_ip(name)


def host_guard(app: WsgiApp, host: str, port: int | Callable[[], int],
               extra: Iterable[str] = ()) -> WsgiApp:
    """Wrap a WSGI app so that it answers only requests addressed to this server by a name
    `host_allowed` accepts, live-reload polls included; others get 421 and a short text.
    `port` may be a function giving it (known once the server is bound)."""
    names = tuple(extra)
    refused: set[str] = set()

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        header = environ.get("HTTP_HOST")
        number = port() if callable(port) else port
        if host_allowed(header, host, number, names):
            return app(environ, start_response)
        shown = (header or "(none)")[:100]
        if shown not in refused:
            refused.add(shown)
            log.warning(f"refused a request for host {shown!r}: not this server's name "
                        "(a DNS rebinding?); allow a name with --allow-host or `allowed_hosts`")
        start_response("421 Misdirected Request", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"This server does not answer to that host name. "
                b"Open it as http://127.0.0.1:PORT/ or http://localhost:PORT/.\n"
                .replace(b"PORT", str(number).encode())]

    return guarded


def serve_site(vault: Vault, *, host: str = "127.0.0.1", port: int = 8000,
               password: str | None = None, allow_hosts: Iterable[str] = (),
               today: dt.date | None = None) -> None:
    """Fill and build the site and serve it with live reload until interrupted.

    The site is built in the vault's cache folder (`_serve_folder`), from the record the last
    server left there (`site_cache`): a start after a few notes changed renders only the pages
    they reach. A second server on the same vault, or a vault without a cache folder, builds
    into a temporary folder instead, from nothing.

    The notes are followed by the `watch` machinery (`Watcher`): each save fills the blocks it
    affects, then the site rebuilds only the pages that change (`LiveSite`), and the open
    pages reload. Other files in the notes folder (attachments) update the site the same way;
    a change to mkdocs.yml builds everything again with the new configuration.

    Only requests addressed to this server are answered (`host_guard`): the bound address,
    localhost, and the names in `allow_hosts` and the plugin's `allowed_hosts` option.
    """
    check_bind(host, password)
    # (Ctrl-C and SIGTERM, however it was started: `_stopped_by_signals`)
    with _stopped_by_signals(), _serve_folder(vault) as (site_dir, cache):
        _serve(vault, site_dir, cache, host=host, port=port, password=password,
               allow_hosts=allow_hosts, today=_day(today))


@contextlib.contextmanager
def _serve_folder(vault: Vault) -> Iterator[tuple[str, Any]]:
    """Where `serve` builds: `<cache folder>/serve/site`, with the site cache of that folder,
    held (`SiteCache.try_lock`) while serving; a temporary folder, removed after, and no cache
    when another server holds it, when the vault has no cache folder, or when a link stands
    anywhere on the way (a build cleans its site folder: never through a link)."""
    from ..manifest import cache_dir
    from .site_cache import SiteCache

    folder = cache_dir(vault)
    if folder is not None:
        cache = SiteCache(folder / "serve", vault.root)
        with cache.try_lock() as held:
            site = folder / "serve" / "site"
            if held and not _linked_on_the_way(vault.root, site):
                with contextlib.suppress(FileExistsError):
                    site.mkdir()
                if site.is_dir() and not site.is_symlink():
                    yield str(site), cache
                    return
    temp = tempfile.mkdtemp(prefix="vault-tools-site-")
    try:
        yield temp, None
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _linked_on_the_way(root: Path, path: Path) -> bool:
    """True when `path`, or a folder between `root` and it, is a symbolic link."""
    here = root
    for part in path.relative_to(root).parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


def _serve(vault: Vault, site_dir: str, cache: Any, *, host: str, port: int,
           password: str | None, allow_hosts: Iterable[str],
           today: Callable[[], dt.date]) -> None:
    """`serve_site` in `site_dir`, with the site cache `cache` (None: none)."""
    from ..watch import Watcher, change_events
    from ._mkdocs_private import live_reload_script, live_reload_server
    from ._mkdocs_private import serve_url as mkdocs_serve_url
    from .compiled_templates import Compiling
    from .incremental import LiveSite
    from .leaks import start_scan_process
    from .parsed_notes import ParsedNotes

    def get_config() -> Any:
        config = load_site_config(vault, site_dir=site_dir, dev_addr=f"{host}:{port}")
        config.site_url = serve_url
        return config

    first = load_site_config(vault, site_dir=site_dir, dev_addr=f"{host}:{port}")
    mount_path = urlsplit(first.site_url or "/").path
    serve_url = mkdocs_serve_url(host, port, mount_path)
    first.site_url = serve_url
    changes = _Changes()
    live: LiveSite  # (made below, once the server is)

    def builder() -> None:
        from mkdocs.exceptions import MkDocsException

        nonlocal live
        paths, reconfigure = changes.take()
        try:
            if reconfigure:
                live = LiveSite(vault, get_config(), serve_url=serve_url,
                                reloading=gcpolicy.reloading, built=gcpolicy.freeze_loaded,
                                rendering=gcpolicy.rendering, cache=cache, today=today)
                log.info("Building the site...")
                log.info(live.build("mkdocs.yml changed").describe())
            elif paths:
                log.info(live.update(paths).describe())
        except (MkDocsException, SiteError) as exc:
            # Said once, plainly (a leak report, a broken mkdocs.yml); the next save tries
            # again with a full build.
            log.error(_build_failure(live.config, exc) if isinstance(exc, MkDocsException)
                      else str(exc))

    class VaultServer(live_reload_server()):  # type: ignore[misc]
        """MkDocs' live-reload server, rebuilding when told to: the notes are followed by the
        watcher, which tells it after filling; this server itself only watches the files the
        watcher does not (attachments in the notes folder, mkdocs.yml)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            import watchdog.observers

            super().__init__(*args, **kwargs)
            # The OS's file events, not MkDocs' polling: polling a vault of thousands of notes
            # twice a second costs the CPU the rebuilds need.
            self.observer = watchdog.observers.Observer()

        def script_tag(self, epoch: int, request_id: int) -> bytes:
            # MkDocs writes its live-reload script inline, which the pages' policy refuses:
            # the same script, loaded from this server as a file.
            return (f'<script src="{LIVERELOAD_SCRIPT}?epoch={epoch}&amp;'
                    f'request={request_id}"></script>').encode()

        def serve_extra(self, environ: dict[str, Any],
                        start_response: Callable[..., Any]) -> Iterable[bytes] | None:
            if environ.get("PATH_INFO") != LIVERELOAD_SCRIPT:
                return None
            query = parse_qs(environ.get("QUERY_STRING", ""))
            numbers = [query.get(key, [""])[0] for key in ("epoch", "request")]
            if not all(n.isascii() and n.isdigit() for n in numbers):
                return None
            script = live_reload_script(int(numbers[0]), int(numbers[1]))
            start_response("200 OK", [("Content-Type", "application/javascript"),
                                      ("Content-Length", str(len(script))),
                                      ("Cache-Control", "no-store")])
            return [script]

        def serving(self) -> None:
            # What the first build left, collected and frozen once the site answers (not
            # before: `gcpolicy.hold`). What the next start works from, saved then too: this
            # one does not wait for it. The site cache's record of the first build, the
            # notes as parsed, the record of the watcher's first fill.
            release_collector()
            save_for_next_start()

        def rebuild(self) -> None:
            self.request_rebuild()

        def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
            import watchdog.events

            path = os.path.abspath(path)
            is_config = os.path.isfile(path)

            def callback(event: Any) -> None:
                # (No read reaches here, `change_events`: the builds read these files, and a
                # read taken for a change would rebuild for ever.)
                if event.is_directory:
                    return
                for raw in (event.src_path, getattr(event, "dest_path", "")):
                    if not raw:
                        continue
                    found = os.fsdecode(raw)
                    if is_config:
                        if os.path.abspath(found) == path:
                            changes.reconfigure()
                            self.rebuild()
                        continue
                    rel = _site_input(vault, found)
                    if rel is not None:
                        changes.add([rel])
                        self.rebuild()

            handler = watchdog.events.FileSystemEventHandler()
            handler.on_any_event = callback  # type: ignore[method-assign]
            folder = os.path.dirname(path) if is_config else path
            self.watched(path, self.observer.schedule(handler, folder, recursive=not is_config,
                                                      event_filter=change_events()))

    try:
        server = VaultServer(builder=builder, host=host, port=port, root=site_dir,
                             mount_path=mount_path)
    except OSError as exc:
        raise SiteError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    app: WsgiApp = server.serve_request
    if password:
        app = basic_auth(app, password)
    names = [*allow_hosts, *first.plugins["vault"].config.get("allowed_hosts", [])]
    server.set_app(host_guard(app, host, lambda: getattr(server, "server_port", port), names))

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    def on_batch(batch: Any) -> None:
        changes.add([*batch.changed, *batch.written])
        server.rebuild()

    server.error_handler = error_page
    # The watcher's first fill reads the notes as parsed by earlier starts (`parsed_notes`,
    # beside this server's site cache); the site's first build, next, takes the notes as that
    # fill read and wrote them (`Watcher.first_read`), or else loads them through the same
    # record, which gives the fill's Notes for the notes read with the same bytes. What the
    # next start works from is saved once the site answers (`serving`), and as it stops.
    parsed = ParsedNotes.load(cache.folder if cache is not None else None)
    # Each full build loads the vault with the collector paused and freezes what it built
    # (docs/performance.md); at the start, what the watcher's first fill and the first build
    # loaded, and the site cache's record, are frozen as loaded (`first_frozen_then_reloading`),
    # and a few pages are rendered with the collector paused (`rendering`); the collection
    # after that build waits until the server answers (`serving`). The theme's templates are
    # compiled by a second process while the vault loads (forked now: before the watcher's
    # threads start), and given to the first build (`compiled_templates`); another, forked
    # now too, leak-scans that build's pages when it renders many (`leaks.PageScan`).
    live = LiveSite(vault, first, serve_url=serve_url,
                    reloading=gcpolicy.first_frozen_then_reloading(),
                    built=gcpolicy.skip_first(gcpolicy.freeze_loaded),
                    recording=gcpolicy.frozen_after_load, rendering=gcpolicy.rendering,
                    cache=cache, today=today, compiled=Compiling.start(first.theme),
                    scanning=start_scan_process())
    watcher = Watcher(vault, echo=_log_line, on_batch=on_batch, parse=parsed.note_from_data,
                      site_next=True)

    def save_for_next_start() -> None:
        live.save_cache()
        parsed.finish()
        watcher.save_first_records()

    # The collector waits from here until the server answers (`serving`), but while a first
    # build renders many pages (`gcpolicy.hold`, `gcpolicy.rendering`).
    release_collector = gcpolicy.hold()
    try:
        # The watcher's first fill loads the whole vault: with the collector paused (its
        # passes over the growing heap were ~0.5 s of a start at 5,000 notes), then frozen.
        with gcpolicy.frozen_after_load():
            watcher.start()
            watcher.wait_ready()
        if watcher.error is not None:
            raise SiteError(f"cannot follow the notes: {watcher.error}")
        log.info("Building the site...")
        try:
            # The notes as that fill left them, not read again (unless it could not read one:
            # then through the record of parsed notes, which takes the fill's Notes).
            read = watcher.first_read()
            log.info(live.build(parsed=parsed if read is None else None, read=read,
                                known_followups=watcher.first_followups,
                                record=False).describe())
        except Exception as exc:
            from mkdocs.exceptions import MkDocsException

            if isinstance(exc, MkDocsException):
                raise SiteError(_build_failure(live.config, exc)) from None
            raise
        server.watch(first.docs_dir)
        if first.config_file_path:
            server.watch(first.config_file_path)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        except OSError as exc:
            raise SiteError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        finally:
            server.shutdown()
    finally:
        release_collector()  # (if the server never answered)
        live.stop_helpers()  # (if the first build never began)
        watcher.stop()
        # (the builder thread is stopped with the server: the last build is done)
        save_for_next_start()


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGINT and SIGTERM stop the server as Ctrl-C in its terminal does (a KeyboardInterrupt,
    then a clean stop), also when it was started with SIGINT ignored: a shell ignores it for
    the background jobs of a script, and Python then leaves Ctrl-C ignored, so the server
    never stopped. Handlers belong to the main thread: called from another, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Changes:
    """What changed since the last rebuild, handed from the watchers to the builder thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._reconfigure = False

    def add(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._paths.update(paths)

    def reconfigure(self) -> None:
        with self._lock:
            self._reconfigure = True

    def take(self) -> tuple[set[str], bool]:
        with self._lock:
            taken = (self._paths, self._reconfigure)
            self._paths, self._reconfigure = set(), False
            return taken


def _site_input(vault: Vault, path: str) -> str | None:
    """The path (relative to the notes folder) of a changed file the watcher does not follow
    and the site is made from: an attachment, a template. None for notes (the watcher's), for
    hidden files and editors' and the writer's temporary files."""
    try:
        rel = Path(path).resolve().relative_to(vault.notes_dir.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    if is_note_path(rel) and not is_skipped(rel):
        return None
    name = rel.rpartition("/")[2]
    if any(part.startswith(".") for part in rel.split("/")) or _WRITER_TEMP.match(name):
        return None
    if is_skipped(rel) and not in_reserved_folder(rel):
        return None  # editors' swap and backup files, sync-conflict copies
    return rel


def _log_line(line: str, error: bool) -> None:
    """The watcher's lines ("wrote ... ← ..."), in the server's log."""
    (log.error if error else log.info)(line)
