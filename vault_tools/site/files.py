"""Which of the files MkDocs found are published: never a private note, a file the index
cannot vouch for, a private attachment, an attachment that would run script on the site, or a
file whose real path leads out of the notes folder; and the plugin's own static files.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import posixpath
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..index import fold
from ..note_texts import held_text
from ..privacy import Secret
from ..vault import in_reserved_folder, inside_notes, is_note_path
from ..views.common import SiteView
from .attachment_mentions import PrivateAttachmentMemos
from .leaks import LeakScanner

log = logging.getLogger("mkdocs.plugins.vault")

ASSETS = Path(__file__).parent / "assets"
ASSET_DIR = "assets/vault"
STATIC_ASSETS = ("vault.css", "vault.js", "followups.js", "filters.js", "network.js",
                 "vendor/cytoscape.min.js", "vendor/cytoscape.LICENSE")


# What a file's paths say of it (`_kind`): from the notes folder, in a reserved folder, a
# documentation page, a path the index may hold.
_Kind = tuple[bool, bool, bool, bool]


def publish_files(files: Files, config: MkDocsConfig, view: SiteView,
                  texts: Mapping[str, str], kinds: dict[tuple[Any, ...], _Kind] | None = None,
                  mentions: PrivateAttachmentMemos | None = None,
                  lenient: Callable[[str], str | None] | None = None
                  ) -> tuple[set[str], set[str]]:
    """Take out of `files` what is never published and add the plugin's assets. Returns (the
    private attachments' file names, as `index.fold` writes them; the output files the leak
    scan skips: the theme's and the plugin's own static files). `kinds`: what the paths of
    files seen before said (kept by the caller between builds; a file's paths never change
    what they say, its symbolic link is asked each time); `mentions`: what the notes were
    found to mention of the attachments before, and `lenient`, the reader of a note that is
    no UTF-8 text (`private_attachments`)."""
    # By the path MkDocs found the file at: a file in the notes folder is the vault's, but
    # one whose real path leads out of it (through a symlink) is never published.
    docs_dir = config.docs_dir
    docs = os.path.join(os.path.normpath(docs_dir), "")
    if kinds is None:
        kinds = {}
    elif len(kinds) > 2 * len(files) + 100:  # (not all the files ever seen)
        kinds.clear()

    def kind(file: File) -> _Kind:
        key = (file.src_uri, file.abs_src_path, docs)
        found = kinds.get(key)
        if found is None:
            found = kinds[key] = _kind(file, docs)
        return found

    attachments = [f for f in files if kind(f)[0] and not kind(f)[2]]
    private_files = private_attachments([f.src_uri for f in attachments], view, texts,
                                        mentions, lenient)
    paths = {f.src_uri: str(f.abs_src_path) for f in attachments}
    linked = other_names([paths[uri] for uri in private_files]
                         + [os.path.join(docs_dir, path) for path in view.hidden],
                         {uri: path for uri, path in paths.items() if uri not in private_files})
    for uri in sorted(linked):  # (its other name is private: not said)
        log.info(f"vault: {uri}: another name of a file kept off the site; not published")
    private_files |= linked
    skip_scan: set[str] = set()
    folders_inside: dict[str, bool] = {}
    index, hidden = view.index, view.hidden
    for file in list(files):
        from_docs, reserved, page, note_path = kind(file)
        if from_docs and _leaves_vault(str(file.abs_src_path), docs_dir, folders_inside):
            files.remove(file)  # never published: reported once, with the link problems
        elif from_docs and reserved:
            # The templates, in whatever case (MkDocs leaves out only `templates/`): their
            # notes and their images are no pages of the vault.
            files.remove(file)
        elif page and from_docs:
            # Private notes, and files the index skips (sync-conflict copies, unreadable
            # notes), which may hold private text the index cannot vouch for.
            note = index.get(file.src_uri)
            if (not note_path or note is None or note.unreadable
                    or file.src_uri in hidden):
                files.remove(file)
        elif from_docs and file.src_uri in private_files:
            files.remove(file)
        elif from_docs and _runs_script(str(file.abs_src_path)):
            files.remove(file)
            log.warning(f"vault: {file.src_uri}: a web page or a scripted SVG in the "
                        "notes folder; not published (it would run on the site)")
        elif file.abs_src_path and not from_docs:
            skip_scan.add(file.dest_uri)  # the theme's own static files
    for name in STATIC_ASSETS:
        asset = File.generated(config, f"{ASSET_DIR}/{name}", abs_src_path=str(ASSETS / name))
        files.append(asset)
        skip_scan.add(asset.dest_uri)
    return {fold(posixpath.basename(uri)) for uri in private_files}, skip_scan


def _kind(file: File, docs: str) -> _Kind:
    """What the paths of `file` say (`_Kind`); `docs` is the notes folder, normalised, with
    a trailing separator."""
    from_docs = bool(file.abs_src_path and os.path.normpath(file.abs_src_path).startswith(docs))
    return (from_docs, in_reserved_folder(file.src_uri), file.is_documentation_page(),
            is_note_path(file.src_uri))


def _leaves_vault(path: str, docs_dir: str, folders_inside: dict[str, bool]) -> bool:
    """True for a file MkDocs found whose real path is outside the notes folder (MkDocs follows
    every symlink). Its folder is asked once for all the files in it (`folders_inside`), the
    file itself only when it is a symlink: a plain file in a folder inside is inside."""
    folder = os.path.dirname(path)
    inside = folders_inside.get(folder)
    if inside is None:
        inside = folders_inside[folder] = inside_notes(docs_dir, folder)
    return not inside or (os.path.islink(path) and not inside_notes(docs_dir, path))


def private_attachments(uris: list[str], view: SiteView, texts: Mapping[str, str],
                        mentions: PrivateAttachmentMemos | None = None,
                        lenient: Callable[[str], str | None] | None = None) -> set[str]:
    """The attachments (images, PDFs…) among `uris` that stay off the site: each whose path
    holds a private note's name, title or alias (`attachments/Li Na CV.pdf`), and each that a
    private note mentions and no public note does (it belongs to the private note). Names and
    mentions are compared as the leak scan compares them (whole words, decoded: an embed, a
    `%20` link and an HTML `src` all mention a file). Each note is read once, and the public
    ones only when a private note mentions an attachment; `mentions`, what earlier builds
    found (kept by the caller), spares the notes they read and that did not change since.
    A private note with no text here (not UTF-8, too large) is read by `lenient`
    (`vault.lenient_note_text`): what it shows is private too, whatever its encoding."""
    if not uris or not view.hidden:
        return set()
    hidden = [view.index.notes[path] for path in sorted(view.hidden)]
    names = LeakScanner(Secret(name, "name", note.path)
                        for note in hidden for name in (note.name, note.title, *note.aliases))
    private = {uri for uri in uris if names.find(uri)}
    if mentions is None:
        mentions = PrivateAttachmentMemos()
    mentions.of_private.look_for(uri for uri in uris if uri not in private)
    mentioned = mentions.of_private.mentioned((note.path for note in hidden), texts)
    if lenient is not None:
        for note in hidden:
            if note.unreadable and held_text(texts, note.path) is None:
                mentioned |= mentions.of_private.mentioned_in(lenient(note.path) or "")
    if mentioned:
        mentions.of_public.look_for(mentioned)
        public = mentions.of_public.mentioned(
            (path for path in texts if path not in view.hidden), texts)
        private |= mentioned - public
    return private


def other_names(kept_off: list[str], paths: Mapping[str, str]) -> set[str]:
    """The attachments among `paths` (each file's path on disk, by its name in the notes
    folder) that are a file of `kept_off` (private attachments and private notes, by path on
    disk) under another name: a symbolic link to it, a hard link, or the file a private name
    links to (the same device and inode, links followed). They hold its bytes, whatever
    their names say: kept off with it. (A stat of each, when anything is kept off.)"""
    if not kept_off:
        return set()
    private = {found for found in map(_identity, kept_off) if found is not None}
    return {uri for uri, path in paths.items() if _identity(path) in private}


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, links followed (None: it cannot be read)."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


# Attachments a browser opens as a document on the site's own origin, with no policy of
# ours, whose script could read every page: a saved web page (a web clipper's, an email's).
# (`.js` files stay: the docs tell users to put their own scripts in files.)
_SCRIPTED_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml",
                      ".xsl", ".xslt")
_SVG_SCRIPT_RE = re.compile(rb"script|foreignobject|<!entity|&#|\son[a-z]+\s*=|"
                            rb"href\s*=\s*[\"']?\s*[^\s\"'#]")


_SVG_READ = 8 << 20  # bytes of an SVG looked through, at most


def _runs_script(path: str) -> bool:
    """True for an attachment that could run script on the site: a web page, or an
    SVG (opened on its own it is a document) holding script, event handlers, entities or
    links other than to its own parts. Other SVGs (logos, diagrams) stay."""
    lowered = path.lower()
    if lowered.endswith(_SCRIPTED_SUFFIXES):
        return True
    if not lowered.endswith((".svg", ".svgz")):
        return False
    try:
        with open(path, "rb") as file:
            data = file.read(_SVG_READ + 1)
        if lowered.endswith(".svgz"):
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(_SVG_READ + 1)
    except (OSError, EOFError, ValueError):
        return True
    if len(data) > _SVG_READ:
        return True  # too large to look through: kept off rather than published unread
    return bool(_SVG_SCRIPT_RE.search(data.lower()))
