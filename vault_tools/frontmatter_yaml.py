"""Safe, bounded loading of a note's YAML front matter.

Front matter is untrusted input (§9): only safe loading, a size cap, and a cap on how far aliases
may expand, so a "billion laughs" document is refused in bounded time and memory. Dates are *not*
turned into `datetime.date` by the loader: an impossible date such as 2026-02-30 would otherwise
fail the whole document, and we want to report it as `bad-date` on its own line instead.
"""

from __future__ import annotations

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
