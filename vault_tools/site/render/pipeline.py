"""The Pipeline page (`pipeline_page`) from `views.pipeline`'s rows: a table per stage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ...schema import CONTACT_STATUSES as STAGE_ORDER
from ...views.pipeline import StageRow
from .common import (
    EMPTY,
    QUIET,
    WIDE,
    Linker,
    cell_text,
    filter_bar,
    html_text,
    markdown_table,
    ref_value,
    row_data,
    touch_date,
)


def _stage_title(stage: str) -> str:
    return stage.replace("-", " ").capitalize()


_DERIVED_TITLE = "Derived from the facts: the note has no status (or an unknown one)."


def _stage_cell(row: StageRow) -> str:
    if row.derived:
        return f'<em class="vault-derived" title="{_DERIVED_TITLE}">{html_text(row.stage)}</em>'
    return html_text(row.stage)


def _days_cell(row: StageRow) -> str:
    """Empty until the site's script counts the days from `since` by the reader's date (so a
    page built on Monday is right on Friday) and flags the row as `network.is_stale` does:
    quiet for more than `stale_after` days since the later of `since` and the last touch."""
    known = [day for day in (row.since, row.last_touch) if day is not None]
    data = f' data-since="{row.since.isoformat()}"' if row.since is not None else ""
    if row.stale_after is not None and known:
        data += (f' data-quiet-since="{max(known).isoformat()}"'
                 f' data-stale-after="{row.stale_after}"')
    return f'<span class="vault-days"{data}>{EMPTY}</span>' if data else EMPTY


PIPELINE_FILTERS = (("stage", "Stage"), ("company", "Company"), ("tag", "Tag"),
                    ("location", "Location"), ("introducer", "Introduced by"),
                    (QUIET, "No touch in more than"))


def _stage_data(row: StageRow) -> str:
    return row_data({"stage": (row.stage,), "company": ref_value(row.company), "tag": row.tags,
                     "location": (row.location or "",),
                     "introducer": ref_value(row.introduced_by),
                     "touch": touch_date(row.last_touch)})


def pipeline_page(rows: Sequence[StageRow], linker: Linker,
                  raw_html: Callable[[str], str] | None = None) -> str:
    """Every contact by stage (`views.pipeline.pipeline_rows`), a table per stage with its count."""
    stages: dict[str, list[StageRow]] = {}
    for row in rows:
        stages.setdefault(row.stage, []).append(row)
    counts = " · ".join(f"{_stage_title(stage)} {len(items)}" for stage, items in stages.items())
    limits = sorted({(row.stage, row.stale_after) for row in rows if row.stale_after is not None},
                    key=lambda item: STAGE_ORDER.index(item[0]))
    parts = [f"{WIDE}# Pipeline\n",
             f"Where each contact stands: {len(rows)} in all." + (f" {counts}." if counts else ""),
             "A stage in *italics* is derived from the facts (the note has no `status`). "
             "*Days* counts from the day the stage began. "
             + ('A contact is flagged <span class="vault-stale-badge">stale</span> when quiet '
                "(nothing since the stage began or the last touch) for longer than its stage "
                "waits: " + ", ".join(f"{_stage_title(s).lower()} {n} days" for s, n in limits)
                + "." if limits else "") + "\n"]
    if not rows:
        parts.append("*Nothing here yet.*\n")
    for number, (stage, items) in enumerate(stages.items()):

        def cells(raw: bool, items: Sequence[StageRow] = items) -> Iterable[list[str]]:
            for row in items:
                yield [_stage_data(row) + linker.link(row.contact, raw=raw), _stage_cell(row),
                       cell_text(row.since, raw), _days_cell(row), cell_text(row.last_touch, raw)]

        if number == 0:  # one bar for the page, above its first table
            parts.append(filter_bar(PIPELINE_FILTERS) + "\n")
        table = markdown_table(("Name", "Stage", "Since", "Days", "Last touch"), cells,
                       raw_html=raw_html)
        parts.append(f"## {_stage_title(stage)} ({len(items)})\n\n{table}\n")
    return "\n".join(parts)
