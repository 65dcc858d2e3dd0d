"""What the `leads`, `pipeline` and `show` commands print (§12): plain data, then text.

Each command has one function that gathers its data as JSON-ready dicts (the `--json` output,
keys stable and documented in docs/network.md) and one that writes those dicts as text for a
terminal, so the two never disagree. Pure: the index and today's date in, data or text out.

This is the user's own terminal: private notes are shown, and said to be private. Every value
that comes from a note goes through `report.printable` in the text: an escape sequence in a
name is shown, never obeyed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from . import network, referrals, schema
from .followups import (
    CONVERSATION,
    DAILY_NOTE,
    LAST_CONTACT,
    LOG,
    FollowUp,
    concerns,
    followups_for_today,
    latest_interaction,
)
from .index import VaultIndex
from .notes import ContactFields, Note
from .report import json_printable, printable
from .settings import Settings

Row = dict[str, Any]

# The offer states that are still on their way to a conversation: `leads` lists them first.
OPEN_STATES = (referrals.NOT_ADDED, referrals.TO_ASK, referrals.ASKED, referrals.SCHEDULED)
PRIVATE_MARK = "(private)"
NO_LEADS = ("No leads yet. When someone offers to introduce you, list the person under "
            "`referrals` in that conversation's note (see docs/network.md).")
NO_CONTACTS = "No contacts yet: `vault-tools new contact NAME` adds one."


def as_json(data: Any) -> str:
    """The `--json` output of these commands."""
    return json_printable(json.dumps(data, indent=2, ensure_ascii=False))


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _person(person: referrals.Person) -> Row:
    return {"name": person.name, "note": person.path, "private": person.private}


# --- leads --------------------------------------------------------------------------------------


def leads_data(index: VaultIndex) -> list[Row]:
    """Every person offered at least once (`referrals.leads`), open ones first (OPEN_STATES:
    not yet met or closed), each group in the order of the earliest offer."""
    rows = [_lead_row(lead) for lead in referrals.leads(index)]
    return sorted(rows, key=lambda row: not row["open"])  # stable: offer order kept


def _lead_row(lead: referrals.Lead) -> Row:
    careers: dict[str, referrals.Person] = {}
    for offer in lead.offers:
        for career in offer.careers:
            careers.setdefault(career.path or career.name.casefold(), career)
    return {
        **_person(lead.who),
        "private": lead.private,
        "state": lead.state,
        "open": lead.state in OPEN_STATES,
        "first_offered": _day(lead.first_date),
        "offered_by": [_person(person) for person in lead.offered_by],
        "careers": [_person(career) for career in careers.values()],
        "offers": [{
            "interview": offer.interview,
            "date": _day(offer.date),
            "offered_by": [_person(person) for person in offer.offered_by],
            "careers": [_person(career) for career in offer.careers],
        } for offer in lead.offers],
    }


def format_leads(rows: Sequence[Row], colour: bool = False) -> str:
    """The `leads` text: open leads, then the others, one line each: when first offered, who,
    their state, who offered them and for which careers."""
    if not rows:
        return NO_LEADS
    style = _styler(colour)
    lines: list[str] = []
    for label, group in (("Open", [r for r in rows if r["open"]]),
                         ("Met or closed", [r for r in rows if not r["open"]])):
        if not group:
            continue
        if lines:
            lines.append("")
        lines.append(style(f"{label} ({len(group)})", bold=True))
        for row in group:
            when = row["first_offered"] or "no date"
            text = f"  {when:<10}  {style(printable(row['name']), bold=True)}  [{row['state']}]"
            if row["offered_by"]:
                text += f"  offered by {_names(row['offered_by'])}"
            if row["careers"]:
                text += f"  for {_names(row['careers'])}"
            if row["private"]:
                text += "  " + style(PRIVATE_MARK, fg="magenta")
            lines.append(text)
    return "\n".join(lines)


# --- pipeline -----------------------------------------------------------------------------------


def pipeline_data(index: VaultIndex, today: dt.date) -> Row:
    """Every contact by stage (`network.pipeline`), as of `today`: each stage of the vocabulary
    in order with its count (empty ones too), and per contact the stage, whether it was
    derived, since when and for how many days, whether it is stale (`network.is_stale`) and
    the last touch."""
    settings = index.settings
    by_stage: dict[str, list[Row]] = {name: [] for name in schema.CONTACT_STATUSES}
    for row in network.pipeline(index):
        stale = network.is_stale(row.stage, today, row.last_touch, settings)
        by_stage[row.stage.name].append({
            "name": row.name,
            "note": row.path,
            "private": row.private,
            "stage": row.stage.name,
            "derived": row.stage.derived,
            "since": _day(row.stage.since),
            "days_in_stage": network.days_in(row.stage, today),
            "stale": stale,
            "last_touch": _day(row.last_touch),
            "last_touch_from": row.last_touch_from,
        })
    return {
        "today": today.isoformat(),
        "stale_after": _stale_rules(settings),
        "stages": [{"stage": name, "count": len(rows), "contacts": rows}
                   for name, rows in by_stage.items()],
    }


def _stale_rules(settings: Settings) -> dict[str, int]:
    return {name: days for name in schema.CONTACT_STATUSES
            if (days := network.stale_after(name, settings)) is not None}


def format_pipeline(data: Mapping[str, Any], colour: bool = False) -> str:
    """The `pipeline` text: each stage that has contacts, with its count, then one line per
    contact: days in stage, name, `(derived)` when no `status` named the stage, `stale`, and
    the last touch."""
    style = _styler(colour)
    stages = [stage for stage in data["stages"] if stage["count"]]
    if not stages:
        return NO_CONTACTS
    lines: list[str] = []
    for stage in stages:
        if lines:
            lines.append("")
        lines.append(style(f"{stage['stage']} ({stage['count']})", bold=True))
        for row in stage["contacts"]:
            days = row["days_in_stage"]
            when = f"{days} day{'' if days == 1 else 's'}" if days is not None else "-"
            text = f"  {when:>9}  {style(printable(row['name']), bold=True)}"
            if row["derived"]:
                text += " " + style("(derived)", dim=True)
            if row["stale"]:
                text += " " + style("stale", fg="red", bold=True)
            if row["last_touch"]:
                text += f"  last touch {row['last_touch']}"
            if row["private"]:
                text += "  " + style(PRIVATE_MARK, fg="magenta")
            lines.append(text)
    total = sum(stage["count"] for stage in stages)
    stale = sum(row["stale"] for stage in stages for row in stage["contacts"])
    lines += ["", f"{total} contact{'' if total == 1 else 's'}, {stale} stale "
                  f"(quiet longer than: {_stale_words(data['stale_after'])})."]
    return "\n".join(lines)


def _stale_words(rules: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {days} days" for name, days in rules.items())


# --- show ---------------------------------------------------------------------------------------


def show_data(index: VaultIndex, contact: Note, today: dt.date,
              followups: Iterable[FollowUp] | None = None) -> Row:
    """Everything about one contact, as of `today`: the card (front matter, in the type's key
    order), the stage, the introduction chain, offers to and from them, conversations, log,
    last touch, the open follow-ups that concern them (`followups.concerns`; `followups`:
    `followups_for_today(index, today)` when the caller has it) and backlinks with their
    context. Private notes are included, marked."""
    path = contact.path
    stage = network.stage(index, contact)
    latest = latest_interaction(index, path)
    if followups is None:
        followups = followups_for_today(index, today)
    fields = contact.fields if isinstance(contact.fields, ContactFields) else ContactFields()
    return {
        "name": contact.name,
        "note": path,
        "private": contact.private,
        "aliases": list(contact.aliases),
        "card": _card(contact),
        "stage": {
            "name": stage.name,
            "derived": stage.derived,
            "written": fields.status,
            "since": _day(stage.since),
            "days_in_stage": network.days_in(stage, today),
            "stale": network.is_stale(stage, today, latest.day if latest else None,
                                      index.settings),
        },
        "chain": [_person(person) for person in referrals.chain(index, path)],
        "offered_to_introduce": [
            {**_person(offer.who), "state": offer.state, "date": _day(offer.date),
             "interview": offer.interview}
            for offer in referrals.offers_from(index, path)],
        "offered_by": [
            {"offered_by": [_person(p) for p in offer.offered_by], "date": _day(offer.date),
             "interview": offer.interview}
            for offer in referrals.offers_of(index, path)],
        "conversations": [
            {"date": _day(fields_.date), "status": fields_.status, "note": note.path,
             "name": note.name, "private": note.private}
            for note, fields_ in sorted(
                referrals.conversations_with(index, path),
                key=lambda pair: (pair[1].date is None, pair[1].date or dt.date.min,
                                  pair[0].path))],
        "log": [{"date": item.day.isoformat(), "kind": item.kind, "text": item.text,
                 "line": item.line}
                for item in sorted(contact.log, key=lambda item: (item.day, item.line))],
        "last_touch": None if latest is None else {
            "date": latest.day.isoformat(), "how": latest.how,
            "note": latest.where.path if latest.where is not None else path,
            "line": latest.line},
        "followups": [f.to_dict() for f in followups if concerns(f, path)],
        "backlinks": [
            {"note": backlink.source, "line": backlink.link.line,
             "field": backlink.link.field, "context": backlink.link.context,
             "private": _private(index, backlink.source)}
            for backlink in index.backlinks(path)],
    }


def _private(index: VaultIndex, path: str) -> bool:
    note = index.get(path)
    return note is not None and note.private


def _card(note: Note) -> list[Row]:
    """The note's front matter as written, its type's keys first (§3 order), then the others."""
    meta = note.meta
    known = schema.TYPE_KEYS.get(note.type or "", ())
    keys = [k for k in known if k in meta] + [k for k in meta if k not in known]
    return [{"key": key, "label": schema.key_label(key), "value": _plain(meta[key])}
            for key in keys]


def _plain(value: Any) -> Any:
    """A front-matter value as JSON holds it: dates as ISO text, everything else as YAML
    gave it (lists and mappings kept, their items made plain too)."""
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


_HOW = {LAST_CONTACT: "last_contact", CONVERSATION: "conversation", LOG: "log",
        DAILY_NOTE: "daily note"}


def format_show(data: Mapping[str, Any], colour: bool = False) -> str:
    """The `show` text: the contact's name and note, then a section for each part that has
    something to say."""
    style = _styler(colour)
    out: list[str] = [style(printable(data["name"]), bold=True)
                      + "  " + style(f"({printable(data['note'])})", dim=True)]
    if data["private"]:
        out.append(style("Private note: never shown on the site or in other notes' blocks.",
                         fg="magenta"))

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.extend(["", style(title, bold=True), *lines])

    section("Card", [f"  {printable(row['label'])}: {printable(_value_text(row['value']))}"
                     for row in data["card"]])
    stage = data["stage"]
    stage_line = f"  {stage['name']}"
    if stage["derived"]:
        stage_line += " (derived" + (
            f"; status '{printable(str(stage['written']))}' is not a stage" if stage["written"]
            else "") + ")"
    if stage["since"]:
        days = stage["days_in_stage"]
        stage_line += f", since {stage['since']} ({days} day{'' if days == 1 else 's'})"
    if stage["stale"]:
        stage_line += "  " + style("stale", fg="red", bold=True)
    section("Stage", [stage_line])
    if len(data["chain"]) > 1:
        section("Introduction chain", ["  " + " → ".join(_shown(p) for p in data["chain"])])
    section("Offered to introduce you to", [
        f"  {_shown(row)} [{row['state']}]" + (f"  {row['date']}" if row["date"] else "")
        + f"  ({printable(row['interview'])})" for row in data["offered_to_introduce"]])
    section("Conversations", [
        f"  {row['date'] or 'no date':<10}  {row['status']:<9}  {printable(row['note'])}"
        + (f"  {PRIVATE_MARK}" if row["private"] else "") for row in data["conversations"]])
    section("Log", [
        f"  {row['date']}  " + (f"{printable(row['kind'])}: " if row["kind"] else "")
        + printable(row["text"]) for row in data["log"]])
    touch = data["last_touch"]
    if touch is not None:
        where = printable(touch["note"]) + (f":{touch['line']}" if touch["line"] else "")
        section("Last touch", [f"  {touch['date']}  {_HOW.get(touch['how'], touch['how'])}"
                               f"  ({where})"])
    section("Open follow-ups", [
        f"  {row['due'] or 'no date':<10}  {printable(row['title'])}  "
        + style(f"({printable(row['note'])}" + (f":{row['line']}" if row["line"] else "")
                + ")", dim=True)
        for row in data["followups"]])
    backlinks: list[str] = []
    current = None
    for row in data["backlinks"]:
        if row["note"] != current:
            current = row["note"]
            backlinks.append(f"  {printable(row['note'])}"
                             + (f"  {PRIVATE_MARK}" if row["private"] else ""))
        said = (f"{printable(row['field'])} (front matter)" if row["field"]
                else printable(row["context"].strip()))
        backlinks.append(f"    {row['line']}: {said}")
    section("Linked from", backlinks)
    return "\n".join(out)


def _shown(person: Mapping[str, Any]) -> str:
    name = printable(person["name"])
    if person["note"] is None:
        return f"{name} (no note yet)"
    return f"{name} {PRIVATE_MARK}" if person["private"] else name


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_value_text(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


# --- shared -------------------------------------------------------------------------------------


def _names(people: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(_shown(person) for person in people)


def _styler(colour: bool) -> Any:
    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if colour else text
    return style
