"""Safe, bounded loading of a note's YAML front matter.

Front matter is untrusted input (§9): only safe loading, a size cap, and a cap on how far aliases
may expand, so a "billion laughs" document is refused in bounded time and memory. Dates are *not*
turned into `datetime.date` by the loader: an impossible date such as 2026-02-30 would otherwise
fail the whole document, and we want to report it as `bad-date` on its own line instead.
"""

from __future__ import annotations

from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

MAX_FRONT_MATTER_CHARS = 256 * 1024
MAX_VALUES = 20_000


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# Scalars whose safe constructors never look beyond the node itself.
_PLAIN_SCALARS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float")
)


class _NotPlain(Exception):
    """The document needs PyYAML's general constructor (aliases, merge keys, other tags)."""


class NoteLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader (C when available) that keeps ISO dates as strings."""

    def construct_document(self, node: yaml.Node) -> Any:
        """The document's value, built directly when it is plain data (as front matter
        nearly always is), else by PyYAML's general constructor.

        PyYAML builds every value through a generic, generator-based path that can tie
        recursive structures together; for plain mappings, lists and scalars that costs about
        half of a front matter's load. The direct route gives the very same values; anything
        else (an alias, a merge key, an explicit tag other than the standard ones, a mapping
        used as a key) goes the general way, errors included.
        """
        try:
            return _plain_value(self, node, set())
        except (_NotPlain, RecursionError):
            return super().construct_document(node)


NoteLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _plain_value(loader: Any, node: yaml.Node, seen: set[int]) -> Any:
    """What PyYAML's safe constructor builds from `node`; raises _NotPlain where the two
    could differ. `seen` holds the nodes visited: a node met twice is an alias."""
    if id(node) in seen:
        raise _NotPlain
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == _STR:
            return node.value
        if tag in _PLAIN_SCALARS:
            return loader.yaml_constructors[tag](loader, node)
    elif isinstance(node, yaml.SequenceNode):
        if tag == _SEQ:
            return [_plain_value(loader, item, seen) for item in node.value]
    elif isinstance(node, yaml.MappingNode) and tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            # Only scalar keys of the plain tags: they give hashable keys, and no merge (<<)
            # or value (=) key, which the general constructor treats specially.
            if not isinstance(key_node, yaml.ScalarNode) or (
                key_node.tag != _STR and key_node.tag not in _PLAIN_SCALARS
            ):
                raise _NotPlain
            key = _plain_value(loader, key_node, seen)
            mapping[key] = _plain_value(loader, value_node, seen)
        return mapping
    raise _NotPlain


class FrontMatterError(ValueError):
    """Front matter that cannot be used. `line` is the 1-based file line, or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load_front_matter(text: str, first_line: int = 1) -> Any:
    """Parse front-matter text safely; raise FrontMatterError for anything unusable.

    `first_line` is the file line the text starts on, so errors name lines of the file.
    """
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(
            f"front matter is {len(text):,} characters; more than {MAX_FRONT_MATTER_CHARS:,} "
            "is refused"
        )
    try:
        data = yaml.load(text, Loader=NoteLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        message = f"invalid YAML: {exc.problem or exc.context or 'syntax error'}"
        if exc.context and exc.context_mark is not None and exc.problem:
            # e.g. an unclosed [ is reported where the text ends; say where it began too
            message += f" ({exc.context} started on line {exc.context_mark.line + first_line})"
        raise FrontMatterError(message, line) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"invalid YAML: {exc}") from None
    if "*" in text:  # only aliases (*name) can make a small document expand
        _check_bounded(data)
    return data


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
