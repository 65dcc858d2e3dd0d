"""Safe, bounded loading of a note's YAML front matter.

Front matter is untrusted input (§9): only safe loading, a size cap, and a cap on how far aliases
may expand, so a "billion laughs" document is refused in bounded time and memory. Dates are *not*
turned into `datetime.date` by the loader: an impossible date such as 2026-02-30 would otherwise
fail the whole document, and we want to report it as `bad-date` on its own line instead.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

MAX_FRONT_MATTER_CHARS = 256 * 1024
MAX_VALUES = 20_000
# Lists and mappings inside each other: real front matter nests two or three deep. A thousand
# levels load, but then break whatever walks them recursively (repr, templates, JSON).
MAX_DEPTH = 64
# What PyYAML's safe constructors raise, besides YAMLError, for a value its explicit tag cannot
# hold: int("abc"), a bool table lookup, a regular expression that did not match, ...
_CONSTRUCTOR_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError)


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
# Scalars whose safe constructors never look beyond the node itself.
_PLAIN_SCALARS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float")
)


class _NotPlain(Exception):
    """The document needs PyYAML's general constructor (aliases, merge keys, other tags)."""


class NoteLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader (C when available) that keeps ISO dates as strings.

    Its resolver and constructor are lean forms of PyYAML's for the shape front matter has
    (each returns what PyYAML's own would); a test compares the two on tricky documents.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        # Only an alias (*name) can make one node appear twice in a document.
        self._may_alias = not isinstance(stream, str) or "*" in stream
        # (key, 0-based line) of each mapping key written a second time in the same mapping:
        # YAML keeps the last value silently, so the parser reports them (`duplicate-key`).
        self.duplicate_keys: list[tuple[str, int]] = []

    def construct_document(self, node: yaml.Node) -> Any:
        """The document's value, built directly when it is plain data (as front matter
        nearly always is), else by PyYAML's general constructor.

        PyYAML builds every value through a generic, generator-based path that can tie
        recursive structures together; for plain mappings, lists and scalars that costs about
        half of a front matter's load. The direct route gives the very same values; anything
        else (an alias, a merge key, an explicit tag other than the standard ones, a mapping
        used as a key) goes the general way, errors included.
        """
        if not self._may_alias:
            try:
                return _plain_value(self, node)
            except (_NotPlain, RecursionError):
                self.duplicate_keys.clear()  # found again below, on the general way
        self.duplicate_keys.extend(_duplicate_keys(node))
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """PyYAML's, except that a value its explicit tag cannot hold (`!!int abc`,
        `!!timestamp 2026-02-30`, `!!bool maybe`) is a YAML error at the value's line, not the
        ValueError, KeyError or AttributeError PyYAML's constructors let escape."""
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except _CONSTRUCTOR_ERRORS:
            raise _bad_tagged_value(node) from None

    # The C parser calls these three for every node it composes. PyYAML's versions first look
    # for path resolvers and wildcard implicit resolvers, which this loader never has (a test
    # holds it to that): without them, each is a dictionary lookup at most.
    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


NoteLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


_INTERNED_LENGTH = 64


def _plain_value(loader: Any, node: yaml.Node) -> Any:
    """What PyYAML's safe constructor builds from `node`, which no alias reaches; raises
    _NotPlain where the two could differ."""
    tag = node.tag
    kind = type(node)
    if kind is yaml.ScalarNode:
        if tag == _STR:
            # Short values repeat across notes (a status, a company, a person's name): kept
            # once each. Long ones are prose, rarely repeated: not worth the lookup.
            value = node.value
            return sys.intern(value) if len(value) <= _INTERNED_LENGTH else value
        if tag in _PLAIN_SCALARS:
            try:
                return loader.yaml_constructors[tag](loader, node)
            except _CONSTRUCTOR_ERRORS:
                raise _bad_tagged_value(node) from None
    elif kind is yaml.SequenceNode:
        if tag == _SEQ:
            return [_plain_value(loader, item) for item in node.value]
    elif kind is yaml.MappingNode and tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            # Only scalar keys of the plain tags: they give hashable keys, and no merge (<<)
            # or value (=) key, which the general constructor treats specially.
            if type(key_node) is not yaml.ScalarNode or (
                key_node.tag != _STR and key_node.tag not in _PLAIN_SCALARS
            ):
                raise _NotPlain
            key = _plain_value(loader, key_node)
            if type(key) is str:
                # Every note repeats the same keys (`type`, `company`): one string each.
                key = sys.intern(key)
            if key in mapping:
                loader.duplicate_keys.append((str(key), key_node.start_mark.index))
            mapping[key] = _plain_value(loader, value_node)
        return mapping
    raise _NotPlain


# --- the shape nearly every front matter has, read without the YAML parser ----------------------

# `key: value` at the top level, the key a plain word; group 2 is what follows the ": ".
_SIMPLE_KEY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?")
_LIST_ITEM = "  - "
# No plain scalar of this reading starts with one of these (YAML's indicators, a blank).
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")
# A constructor for the standard scalars (null, bool, int, float); it reads only the node.
_SCALARS = yaml.constructor.SafeConstructor()


def simple_front_matter(lines: list[str]) -> tuple[dict[str, Any], dict[str, int]] | None:
    """What `load_front_matter` gives for the front matter made of `lines` (each without its
    "\\n"; a "\\r" ending one is its CRLF's), with the index in `lines` of each key, when
    the front matter has the one shape read here; None for any other, which the YAML parser
    then reads.

    The shape: only top-level lines `key: value`, the key a plain word, and lines `  - item`
    after a key with no value (a list); each value or item on its own line, a plain scalar
    without `#`, brackets, braces, a `:` before a blank or at its end, a flow list `[a, b]` of
    such scalars without a `:`, or a quoted scalar without an escape or its own quote; every
    character printable (no tab, no line break of any kind), no blank line, no comment, no
    key twice. The values are resolved and built by the loader's own rules
    (`NoteLoader.resolve`, PyYAML's constructors); `tests/test_parse_fastpaths.py` holds the
    two readings equal.

    Why: the YAML parser builds a node, with two marks, for every key and value, and calls
    back into Python for each; for this shape, nearly every note's, that was most of the time
    a front matter took.
    """
    if sum(map(len, lines)) + len(lines) > MAX_FRONT_MATTER_CHARS:
        return None  # refused, by load_front_matter
    mapping: dict[str, Any] = {}
    key_index: dict[str, int] = {}
    pending: str | None = None  # a key read with no value: a list may follow
    items: list[Any] | None = None  # the list being read, under the last key
    for index, line in enumerate(lines):
        if line[-1:] == "\r":
            line = line[:-1]
        if not line.isprintable():
            return None
        if line.startswith(_LIST_ITEM):
            if items is None:
                if pending is None:
                    return None  # after a key with a value: a continuation of that value
                items = mapping[pending] = []
                pending = None
            value = _simple_scalar(line[4:].rstrip(" "))
            if value is _NOT_SIMPLE:
                return None
            items.append(value)
            continue
        read = _KEY_LINES.get(line)
        if read is None:
            read = _key_line(line)
            if read is None:
                return None
            if len(_KEY_LINES) < _KEY_LINES_KEPT and len(line) <= _KEPT_LENGTH \
                    and not isinstance(read[1], list):
                _KEY_LINES[line] = read  # (a list is not shared between notes)
        key, value = read
        if key in mapping:
            return None
        key_index[key] = index
        items = None
        if value is _NO_VALUE:
            mapping[key] = None
            pending = key
        else:
            mapping[key] = value
            pending = None
    if not mapping:
        return None
    return mapping, key_index


_NOT_SIMPLE = object()
_NO_VALUE = object()  # `key:` alone: null, or the key of the list that follows
# What `_key_line` read of each line already read, but a list: the same lines (`type: contact`,
# `status: done`) stand in most notes. Bounded like _WORD_KEYS.
_KEY_LINES: dict[str, tuple[str, Any]] = {}
_KEY_LINES_KEPT = 4096
# Only short lines and keys are kept: a vault of long made-up ones would otherwise keep up to
# a front matter's 256 Ki characters in each entry.
_KEPT_LENGTH = 160


def _key_line(line: str) -> tuple[str, Any] | None:
    """(key, value) of a top-level line `key: value` of `simple_front_matter`'s shape, the
    value _NO_VALUE for `key:` alone; None for any other line."""
    match = _SIMPLE_KEY_RE.fullmatch(line)
    if match is None:
        return None
    key = _WORD_KEYS.get(match.group(1))
    if key is None:
        key = match.group(1)
        if _resolved(key) != _STR:
            return None  # `yes:`, `null:`: a key of another type
        key = sys.intern(key)
        if len(_WORD_KEYS) < _WORD_KEYS_KEPT and len(key) <= _KEPT_LENGTH:
            _WORD_KEYS[key] = key
    rest = match.group(2)
    if rest and (rest := rest.strip(" ")):
        value = _simple_scalar(rest)
        return None if value is _NOT_SIMPLE else (key, value)
    return key, _NO_VALUE
# The keys seen that are text, each once (interned): every note repeats the same few, so each
# is resolved once. Bounded: a vault of made-up keys stops adding to it.
_WORD_KEYS: dict[str, str] = {}
_WORD_KEYS_KEPT = 1024


def _simple_scalar(text: str) -> Any:
    """The value of one scalar of `simple_front_matter`'s shape (`text` has no blank at either
    end), or _NOT_SIMPLE."""
    if not text:
        return _NOT_SIMPLE
    first = text[0]
    if first == '"' or first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != first or first in inner or "\\" in inner:
            return _NOT_SIMPLE
        return sys.intern(inner) if len(inner) <= _INTERNED_LENGTH else inner
    if first == "[" and text[-1] == "]":
        return _simple_flow_list(text[1:-1])
    if (first in _NOT_PLAIN_START and not (first == "-" and text[1:2].isdigit())) \
            or text[-1] == ":" or ": " in text or "#" in text \
            or "[" in text or "]" in text or "{" in text or "}" in text:
        return _NOT_SIMPLE
    tag = _resolved(text)
    if tag == _STR:
        return sys.intern(text) if len(text) <= _INTERNED_LENGTH else text
    if tag not in _PLAIN_SCALARS:
        return _NOT_SIMPLE
    try:
        return _SCALARS.yaml_constructors[tag](_SCALARS, yaml.ScalarNode(tag, text))
    except _CONSTRUCTOR_ERRORS:
        return _NOT_SIMPLE


def _simple_flow_list(inner: str) -> Any:
    """The value of `[a, b, "c"]` (`inner` is what the brackets hold): items none empty, none
    holding a `:` or a bracket, a quote only around a whole item; else _NOT_SIMPLE."""
    if ":" in inner or "[" in inner or "{" in inner or "]" in inner or "}" in inner:
        return _NOT_SIMPLE
    if not inner.strip(" "):
        return []
    items = []
    for item in inner.split(","):
        item = item.strip(" ")
        if ('"' in item or "'" in item) and not (
                len(item) >= 2 and item[0] in "'\"" and item[-1] == item[0]
                and '"' not in item[1:-1] and "'" not in item[1:-1]):
            return _NOT_SIMPLE  # a quote inside: perhaps around a comma the split cut at
        value = _simple_scalar(item)
        if value is _NOT_SIMPLE:
            return _NOT_SIMPLE
        items.append(value)
    return items


def _resolved(plain: str) -> str:
    """The tag NoteLoader.resolve gives a plain scalar."""
    for tag, regexp in NoteLoader.yaml_implicit_resolvers.get(plain[:1], ()):
        if regexp.match(plain):
            return tag
    return _STR


def _bad_tagged_value(node: yaml.Node) -> yaml.constructor.ConstructorError:
    """The error for a scalar its tag's constructor refused, marked at the scalar."""
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    value = node.value if isinstance(node.value, str) else type(node.value).__name__
    return yaml.constructor.ConstructorError(
        None, None, f"{value!r} is not a valid {tag} value (remove the tag or fix the value)",
        node.start_mark,
    )


def _duplicate_keys(root: yaml.Node) -> list[tuple[str, int]]:
    """(key, character offset) of each scalar key written again in its mapping, anywhere in the
    document; each node is visited once, so aliases cannot make this walk expand."""
    found: list[tuple[str, int]] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen or isinstance(node, yaml.ScalarNode):
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[tuple[str, str]] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                    key = (key_node.tag, key_node.value)
                    if key in keys:
                        found.append((key_node.value, key_node.start_mark.index))
                    keys.add(key)
                stack.extend((key_node, value_node))
        else:
            stack.extend(node.value)
    return sorted(found, key=lambda item: item[1])


class FrontMatterError(ValueError):
    """Front matter that cannot be used. `line` is the 1-based file line, or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load_front_matter(
    text: str, first_line: int = 1, duplicates: list[tuple[str, int]] | None = None
) -> Any:
    """Parse front-matter text safely; raise FrontMatterError for anything unusable.

    `first_line` is the file line the text starts on, so errors name lines of the file.
    `duplicates`, when given, receives (key, file line) for each key written a second time in
    one mapping (YAML keeps the last value without a word).
    """
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(
            f"front matter is {len(text):,} characters; more than {MAX_FRONT_MATTER_CHARS:,} "
            "is refused"
        )
    simple = simple_front_matter(text.split("\n")[:-1] if text.endswith("\n")
                                 else text.split("\n"))
    if simple is not None:
        # (No anchor, alias, deep nesting or repeated key in that shape: nothing to check.)
        return simple[0]
    try:
        loader = NoteLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = _file_line(text, mark.index) + first_line if mark is not None else None
        message = f"invalid YAML: {exc.problem or exc.context or 'syntax error'}"
        if exc.context and exc.context_mark is not None and exc.problem:
            # e.g. an unclosed [ is reported where the text ends; say where it began too
            began = _file_line(text, exc.context_mark.index) + first_line
            message += f" ({exc.context} started on line {began})"
        raise FrontMatterError(message, line) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"invalid YAML: {exc}") from None
    except (*_CONSTRUCTOR_ERRORS, RecursionError) as exc:
        # The last line of defence: whatever a constructor raises is a refusal, never a crash.
        raise FrontMatterError(f"invalid YAML: {type(exc).__name__}: {exc}") from None
    if "*" in text:  # only aliases (*name) can make a small document expand
        _check_bounded(data)
    # Each level of nesting takes a "[", a "{", a "-" or a ":"; fewer in all, nothing to walk.
    if sum(map(text.count, "[{-:")) > MAX_DEPTH:
        _check_depth(data)
    if duplicates is not None:
        duplicates.extend((key, _file_line(text, index) + first_line)
                          for key, index in loader.duplicate_keys)
    return data


def _file_line(text: str, index: int) -> int:
    """The 0-based line of character `index` as the note's parser counts lines (ended by
    \n, \r\n or a lone \r). YAML's own marks also end lines at NEL, LS and PS, so a value
    holding one would name a line further down the file."""
    before = text[:index]
    return before.count("\n") + before.count("\r") - before.count("\r\n")


def _check_depth(data: Any) -> None:
    """Refuse values nested more than MAX_DEPTH deep (walked without recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FrontMatterError(
                f"front matter nests lists or mappings more than {MAX_DEPTH} deep; refused"
            )
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_bounded(data: Any) -> None:
    """Refuse values whose aliases expand past MAX_VALUES, without ever expanding them."""
    seen = 0
    stack = [data]
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise FrontMatterError(
                f"front matter expands to more than {MAX_VALUES:,} values "
                "(aliases referring to aliases?); refused"
            )
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
