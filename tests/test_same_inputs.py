"""`same_inputs`: a digest given again only for inputs the plain path would digest the same."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, NamedTuple

from hypothesis import given
from hypothesis import strategies as st

from vault_tools.site.same_inputs import Digested, same
from vault_tools.site.site_cache import Unencodable, digest


@dataclasses.dataclass(frozen=True)
class Row:
    key: Any
    value: Any


class Pair(NamedTuple):
    first: Any
    second: Any


leaves = (st.text(max_size=5) | st.binary(max_size=3) | st.integers(-3, 3) | st.booleans()
          | st.none() | st.floats(allow_nan=True, width=64)
          | st.sampled_from([0.0, -0.0, 1.0, 1, True, "1"]) | st.dates()
          | st.datetimes(timezones=st.none() | st.timezones()) | st.times())
values = st.recursive(leaves, lambda inner: (
    st.lists(inner, max_size=3).map(tuple) | st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    | st.builds(Row, inner, inner) | st.builds(Pair, inner, inner)
    | st.frozensets(st.text(max_size=2), max_size=3)), max_leaves=12)


def twin(value: Any, draw: Any = None) -> Any:
    """A value built anew from `value`; with `draw`, now and then with a leaf changed into one
    that is `==` to it but of another kind, or a dict's keys in another order."""
    if draw is None:
        pass
    elif isinstance(value, bool) or (type(value) in (int, float) and value in (0, 1)):
        return draw(st.sampled_from([value, int(value), float(value), bool(value),
                                     -float(value)]))
    if isinstance(value, Pair):
        return Pair(twin(value.first, draw), twin(value.second, draw))
    if isinstance(value, tuple):
        return tuple(twin(item, draw) for item in value)
    if isinstance(value, list):
        return [twin(item, draw) for item in value]
    if isinstance(value, dict):
        items = [(key, twin(item, draw)) for key, item in value.items()]
        if draw is not None and draw(st.booleans()):
            items.reverse()
        return dict(items)
    if isinstance(value, Row):
        return Row(twin(value.key, draw), twin(value.value, draw))
    if isinstance(value, frozenset):
        return frozenset(value)
    if isinstance(value, str):
        return "".join(value)  # (an equal string, maybe another object)
    if isinstance(value, (dt.date, dt.time)):
        if draw is not None and isinstance(value, dt.datetime) and draw(st.booleans()):
            return value.astimezone(dt.timezone.utc) if value.tzinfo else value
        return value.replace()  # (an equal value, another object)
    return value


def plain(value: Any) -> str | None:
    try:
        return digest(value, "nonce")
    except Unencodable:
        return None


@given(values, st.data())
def test_same_means_one_digest(value: Any, data: Any) -> None:
    other = twin(value, data.draw)
    if same(value, other):
        assert plain(value) == plain(other)


@given(values, values)
def test_same_means_one_digest_for_any_two(first: Any, second: Any) -> None:
    if same(first, second):
        assert plain(first) == plain(second)


@given(values)
def test_a_value_built_again_is_the_same(value: Any) -> None:
    """The case the memory is for: the dashboards' inputs made again from equal parts."""
    if not _has_set(value):
        assert same(value, twin(value))


def _has_set(value: Any) -> bool:
    if isinstance(value, frozenset):
        return True
    if isinstance(value, (tuple, list)):
        return any(map(_has_set, value))
    if isinstance(value, dict):
        return any(map(_has_set, value.values()))
    if isinstance(value, Row):
        return _has_set(value.key) or _has_set(value.value)
    return False


@given(st.lists(st.tuples(st.sampled_from(["home.md", "followups/index.md"]), values,
                          st.sampled_from(["n1", "n2"])), max_size=8))
def test_digested_gives_what_digest_gives(asks: list[tuple[str, Any, str]]) -> None:
    """Over a run of builds asking for pages' inputs, the memory answers as the plain path."""
    memory = Digested()
    for page, inputs, volatile in asks:
        try:
            expected = digest(inputs, volatile)
        except Unencodable:
            expected = None
        try:
            found = memory.digest(page, inputs, volatile, keep=True)
        except Unencodable:
            found = None
        assert found == expected


def test_kept_inputs_are_not_digested_again() -> None:
    inputs = ("text", ("x" * 10, (1, 2)), [Row("a", 1.5)], {"k": None})
    memory = Digested()
    first = memory.digest("home.md", inputs, "n", keep=True)
    again = ("text", ("x" * 10, (1, 2)), [Row("a", 1.5)], {"k": None})
    assert memory._last["home.md"][1] is inputs
    assert memory.digest("home.md", again, "n", keep=True) == first
    assert memory._last["home.md"][1] is inputs  # (a hit: not digested, nothing replaced)
    changed = ("text", ("x" * 10, (1, True)), [Row("a", 1.5)], {"k": None})
    assert memory.digest("home.md", changed, "n", keep=True) == digest(changed, "n") != first
    memory.forget_others(set())
    assert memory._last == {}
