"""The `vault-tools` command line: each command builds the vault, calls the library, prints.

No vault logic lives here; named library exceptions become `click.ClickException`.

Why one module of over 600 lines (#16): it is click glue for some 35 commands, each a few lines
of options and one library call, sharing `vault_option`, `_load_index` and the `--today` option.
It holds no concept to separate: a split by verb group would scatter the command table without
making any command easier to read, and tests patch names on this module (`cli.load_index`,
`cli.import_group`). A `cli/` package, by the section headings below, is the way out if it grows.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, gcpolicy
from .capture.importers import READERS
from .index import VaultIndex
from .report import company_placeholders, diagnostics_json, diagnostics_text, printable
from .vault import Vault, VaultError, find_vault, load_index, load_index_and_texts


def vault_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add `--vault PATH` and pass the located Vault to the command as `vault`."""

    @click.option(
        "--vault", "vault_path", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The vault: a folder holding mkdocs.yml, or a bare notes folder. "
             "Default: the first folder with mkdocs.yml from here upwards.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, vault_path: Path | None, **kwargs: Any) -> Any:
        try:
            vault = find_vault(vault_path)
        except VaultError as exc:
            raise click.ClickException(str(exc)) from None
        return command(*args, vault=vault, **kwargs)

    return wrapper


def _load_index(vault: Vault, contexts: bool = True) -> VaultIndex:
    """The vault's index, loaded with the garbage collector paused (`gcpolicy`);
    `contexts=False` for a command that shows no link's context line (see `parse_note`)."""
    with gcpolicy.paused():
        return load_index(vault, contexts=contexts)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vault-tools")
def main() -> None:
    """A plain-Markdown personal CRM for informational interviews.

    Your notes stay plain Markdown files; vault-tools indexes them, writes backlinks and
    follow-ups into them, and publishes a private site.
    """


@main.command()
@vault_option
@click.option("--json", "as_json", is_flag=True, help="Print diagnostics as a JSON list.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
def check(vault: Vault, as_json: bool, strict: bool) -> None:
    """Report problems in the vault: bad YAML, broken links, missing fields, bad dates...

    Exits 1 when there is an error (or, with --strict, any warning).
    """
    # The collector stays paused until the index is gone, not only while it loads: the first
    # collection after a pause walks every object allocated during it (~0.1 s at 5,000 notes),
    # and none of them is part of a reference cycle.
    with gcpolicy.paused():
        # No block is rendered: no sentences. A large vault is read by two processes.
        index = load_index(vault, contexts=False, aside_ok=True)
        diagnostics = index.diagnostics()
        notes_checked = len(index)
        placeholders = company_placeholders(index, diagnostics)
        del index
    if as_json:
        click.echo(diagnostics_json(diagnostics))
    else:
        click.echo(diagnostics_text(diagnostics, notes_checked, colour=_colour(),
                                    placeholders=placeholders))
    failing = [d for d in diagnostics if strict or d.severity == "error"]
    sys.exit(1 if failing else 0)


@main.command()
@vault_option
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if any block would change (for CI and pre-commit).")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the changes as a diff.")
def fill(vault: Vault, check_only: bool, dry_run: bool) -> None:
    """Write every generated block (backlinks, conversations, follow-ups) into the notes.

    Only text between <!-- vault-tools:NAME --> markers is ever changed; a note whose blocks
    are already up to date is not written at all.
    """
    from .aside import AsideError
    from .fill import fill_vault  # here, not at the top: `check` need not import the renderer

    try:
        with gcpolicy.paused():  # for the whole fill: see `fill_vault`
            result = fill_vault(vault, write=not (check_only or dry_run), diffs=dry_run,
                                write_aside=True, read_aside=True)
    except AsideError as exc:
        raise click.ClickException(
            f"the process writing the notes stopped ({exc}); every note is whole, as it was "
            "or filled: run `vault-tools fill` again") from exc
    for diag in result.skipped + result.failed:
        where = f"{diag.path}:{diag.line}" if diag.line else diag.path
        click.echo(f"{where}: left alone: {diag.message}", err=True)
    if dry_run:
        for diff in result.diffs():
            click.echo(diff, nl=False)
    if check_only or dry_run:
        for change in result.changed:
            click.echo(f"would change {change.path} ({', '.join(change.blocks)})")
        click.echo(f"{len(result.changed)} of {result.notes} notes would change.")
        sys.exit(1 if check_only and result.changed else 0)
    written = set(result.written)  # (a list's `in` for each of 20,000 changes: ~2 s)
    for change in result.changed:
        if change.path in written:
            click.echo(f"wrote {change.path} ({', '.join(change.blocks)})")
    click.echo(f"{len(result.written)} of {result.notes} notes changed.")
    sys.exit(1 if result.failed else 0)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", "site_name", default=None, help="The site's title (default: folder name).")
@click.option("--demo", is_flag=True,
              help="Copy the demo vault (a fictional career explorer's notes) instead of the "
                   "empty starter.")
def init(directory: Path, site_name: str | None, demo: bool) -> None:
    """Create a new vault in DIRECTORY, ready to build and serve.

    The starter vault has a home page, the Follow-ups note, a question bank and the note
    templates, and no people; --demo copies the demo vault instead.
    """
    import shlex

    from .capture.init import init_vault

    try:
        with gcpolicy.paused():  # it fills the new vault
            init_vault(directory, site_name, demo=demo)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    kind = "the demo vault" if demo else "a starter vault"
    click.echo(f"Created {kind} in {directory}: notes in {directory / 'notes'}, "
               f"settings in {directory / 'mkdocs.yml'}.")
    click.echo("Next steps:")
    click.echo(f"  cd {shlex.quote(str(directory))}")
    click.echo('  vault-tools new contact "Jane Doe" --company Acme')
    click.echo("  vault-tools serve        # the private site on http://127.0.0.1:8000/")


@main.command()
@vault_option
def summary(vault: Vault) -> None:
    """Count the vault's notes by type, links, placeholders and problems."""
    index = _load_index(vault)
    types = Counter(note.type or "other" for note in index)
    links = sum(len(note.links) for note in index)
    diagnostics = index.diagnostics()
    errors = sum(d.severity == "error" for d in diagnostics)
    click.echo(f"Vault: {vault.notes_dir}")
    for kind, label in (("contact", "contacts"), ("interview", "interviews"),
                        ("company", "companies"), ("career", "careers"), ("other", "other notes")):
        click.echo(f"  {label:<12}{types.get(kind, 0):>6}")
    click.echo(f"  {'links':<12}{links:>6}")
    click.echo(f"  {'placeholders':<12}{len(index.placeholders()):>6}")
    click.echo(f"  {'problems':<12}{len(diagnostics):>6}  ({errors} errors)")


def _colour() -> bool:
    return sys.stdout.isatty()


class _Day(click.DateTime):
    """A `--today`: a YYYY-MM-DD date within years 1000-9000, so that the weeks and months
    every command counts around it are dates too (year 1 has no day before it)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        day = super().convert(value, param, ctx)
        if not 1000 <= day.year <= 9000:
            self.fail(f"{day.date().isoformat()} is not a date to pretend is today: use one "
                      "between 1000-01-01 and 9000-12-31", param, ctx)
        return day


_DAY = _Day(formats=["%Y-%m-%d"])
_TODAY_HELP = "Pretend today is this date (YYYY-MM-DD). Default: the real date."


# --- follow-ups and the calendar feed (DESIGN.md §10) -------------------------------------------


@main.command()
@vault_option
@click.option("--today", type=_DAY, default=None,
              help="Pretend today is this date (YYYY-MM-DD). Default: the real date.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of {kind, due, title, note, line, contact} objects.")
@click.option("--days", type=click.IntRange(min=0), default=6, show_default=True,
              help="How many days after today count as \"This week\".")
def followups(vault: Vault, today: Any, as_json: bool, days: int) -> None:
    """List open follow-ups: overdue, today, this week, later, and undated.

    Thank-you notes, keeping in touch, telling introducers how it went, preparing for planned
    conversations, every unchecked task, and planned conversations whose date has passed.
    """
    import datetime as dt

    from .followups import followups_for_today
    from .followups_report import followups_json, format_followups, group_followups

    day = today.date() if today is not None else dt.date.today()
    items = followups_for_today(_load_index(vault), day)
    if as_json:
        click.echo(followups_json(items))
    else:
        click.echo(format_followups(group_followups(items, day, days), colour=_colour()))


# --- the digest: what is due, to wherever it reaches you (DESIGN.md §14) -----------------------


@main.command()
@vault_option
@click.option("--days", type=click.IntRange(min=0, max=366), default=1, show_default=True,
              help="Also what falls due in this many days after today (1: tomorrow).")
@click.option("--to", "channel", type=click.Choice(["stdout", "email", "webhook", "ntfy"]),
              default="stdout", show_default=True,
              help="Where to send it; each channel's settings are in mkdocs.yml "
                   "(see docs/reminders.md).")
@click.option("--public-only", is_flag=True,
              help="Leave out every follow-up touching a private note, and every private "
                   "person from the context lines.")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--json", "as_json", is_flag=True,
              help="Print the digest as a JSON object (with --to stdout).")
def digest(vault: Vault, days: int, channel: str, public_only: bool, today: Any,
           as_json: bool) -> None:
    """What is due: overdue, today and the next --days days, each with when you were last in
    touch, what you promised and its page on the site. Prints (but for --json's empty digest)
    and sends nothing, and exits 0, when nothing is due (safe in cron). A message sent leaves
    this machine: see --public-only.
    """
    import datetime as dt
    import json
    import os

    from .digest.compose import compose, digest_data, digest_text
    from .digest.deliver import DeliveryError, ready, send
    from .export.ics import vault_page_urls

    if as_json and channel != "stdout":
        raise click.UsageError("--json is for --to stdout (a webhook always receives JSON)")
    delivery = vault.settings.delivery
    config = str(vault.config_file or "mkdocs.yml")
    try:
        target = ready(channel, delivery, os.environ, config)
    except DeliveryError as exc:
        raise click.ClickException(str(exc)) from None
    day = today.date() if today is not None else dt.date.today()
    found = compose(_load_index(vault, contexts=False), day, days, public_only=public_only,
                    url_of=vault_page_urls(vault))
    if as_json:  # a script parses the output every day: an empty digest is still JSON
        click.echo(json.dumps(digest_data(found), indent=2, ensure_ascii=False))
        return
    if not found:
        return
    if channel == "stdout":
        click.echo(digest_text(found), nl=False)
        return
    base = vault.config_file.parent if vault.config_file is not None else None
    try:
        said = send(found, target, delivery, base)
    except DeliveryError as exc:
        raise click.ClickException(str(exc)) from None
    if sys.stderr.isatty():  # cron mails whatever a job prints: quiet unless someone watches
        click.echo(said, err=True)


# --- learning and deciding (DESIGN.md §13) -----------------------------------------------------


@main.command()
@vault_option
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON object: the criteria, then one object per career "
                   "(see docs/learning.md).")
def careers(vault: Vault, as_json: bool) -> None:
    """Compare your career paths: weighted score against mkdocs.yml's `criteria`,
    conversations, people, companies, interest, open questions answered, last and next
    conversation; ruled-out paths last, with when and why."""
    from .careers_report import careers_data, format_careers
    from .network_report import as_json as dumps

    data = careers_data(_load_index(vault, contexts=False))
    click.echo(dumps(data) if as_json else format_careers(data, colour=_colour()))


# --- the network: leads, pipeline, one contact (DESIGN.md §12) ---------------------------------


@main.command()
@vault_option
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list, one object per person offered (see docs/network.md).")
def leads(vault: Vault, as_json: bool) -> None:
    """Every offered introduction: who, offered by whom, when, for which career, and where it
    stands (not added, to ask, asked, scheduled, met, or closed). Open ones first."""
    from .network_report import as_json as dumps
    from .network_report import format_leads, leads_data

    rows = leads_data(_load_index(vault, contexts=False))
    click.echo(dumps(rows) if as_json else format_leads(rows, colour=_colour()))


@main.command()
@vault_option
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON object: every stage with its count and contacts.")
def pipeline(vault: Vault, today: Any, as_json: bool) -> None:
    """Contacts by stage (to-contact, asked, scheduled, met, keep-warm, no-response, declined,
    paused), with days in stage, derived stages marked and stale ones flagged."""
    import datetime as dt

    from .network_report import as_json as dumps
    from .network_report import format_pipeline, pipeline_data

    day = today.date() if today is not None else dt.date.today()
    data = pipeline_data(_load_index(vault, contexts=False), day)
    click.echo(dumps(data) if as_json else format_pipeline(data, colour=_colour()))


@main.command()
@vault_option
@click.argument("name")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (see docs/network.md).")
def show(vault: Vault, name: str, today: Any, as_json: bool) -> None:
    """Everything about the contact NAME: card, stage, introduction chain, conversations, log,
    last touch, open follow-ups and the notes linking to them.

    NAME is a contact's name, alias or path, as for `log`. Private contacts are shown (this is
    your terminal), marked as private.
    """
    import datetime as dt

    from .lookup import ContactNameError, contact_named
    from .network_report import as_json as dumps
    from .network_report import format_show, show_data
    from .report import printable

    day = today.date() if today is not None else dt.date.today()
    index = _load_index(vault)
    try:
        contact = contact_named(index, name)
    except ContactNameError as exc:
        raise click.ClickException(printable(exc.message())) from None
    data = show_data(index, contact, day)
    click.echo(dumps(data) if as_json else format_show(data, colour=_colour()))


# --- learning: the question bank (DESIGN.md §13) ------------------------------------------------


@main.command("questions")
@vault_option
@click.option("--career", default=None, metavar="CAREER",
              help="Only the conversations of this career (its name, alias or path).")
@click.option("--unasked", is_flag=True,
              help="Only the bank questions not yet asked (in that career, with --career).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list, one object per bank question (see docs/learning.md).")
def questions_command(vault: Vault, career: str | None, unasked: bool, as_json: bool) -> None:
    """The question bank: each question with every answer it got (date, who, career) and the
    conversations it is prepared for. Private conversations are shown, marked as private."""
    from .lookup import ContactNameError, career_named
    from .questions_report import as_json as dumps
    from .questions_report import format_questions, questions_data
    from .report import printable

    index = _load_index(vault, contexts=False)
    career_path = None
    if career is not None:
        try:
            career_path = career_named(index, career).path
        except ContactNameError as exc:
            raise click.ClickException(printable(exc.message())) from None
    rows = questions_data(index, career_path, unasked)
    click.echo(dumps(rows) if as_json else format_questions(rows, unasked))


@main.command()
@vault_option
@click.option("--company", default=None, metavar="NAME",
              help="What people told you about this company (name, alias or path).")
@click.option("--career", default=None, metavar="NAME",
              help="What you learned about this career path (name, alias or path).")
@click.option("--tag", default=None, metavar="TAG",
              help="Every insight tagged so (#pay also takes #pay/equity).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON object: what it is about, then each group of insights "
                   "(see docs/learning.md).")
def learned(vault: Vault, company: str | None, career: str | None, tag: str | None,
            as_json: bool) -> None:
    """What your done conversations taught you about a company, a career or a tag: the items
    under What I learned, Culture and Advice (the `insight_sections` option) and tagged items,
    grouped by section or tag, newest first, with who said it and when.

    Give exactly one of --company, --career or --tag. Private conversations are shown (this is
    your terminal), marked as private.
    """
    from .learning_report import format_learned, learned_data
    from .lookup import ContactNameError, note_named
    from .network_report import as_json as dumps
    from .report import printable

    given = [(option, value) for option, value in
             (("company", company), ("career", career), ("tag", tag)) if value is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --company, --career or --tag")
    option, value = given[0]
    index = _load_index(vault, contexts=False)
    if option == "tag":
        if not value.lstrip("#").strip():
            raise click.UsageError("--tag: give a tag, e.g. --tag culture")
        data = learned_data(index, tag=value)
    else:
        try:
            about = note_named(index, value, option)
        except ContactNameError as exc:
            raise click.ClickException(printable(exc.message())) from None
        data = learned_data(index, about)
    click.echo(dumps(data) if as_json else format_learned(data, colour=_colour()))


# --- everyday verbs: message drafts (DESIGN.md §14) ----------------------------------------------


@main.command("draft")
@vault_option
@click.argument("kind")
@click.argument("note")
@click.option("--mailto", "as_mailto", is_flag=True,
              help="Print a mailto: link (recipient, subject and body) to open in a mail "
                   "program, instead of the text.")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
def draft_command(vault: Vault, kind: str, note: str, as_mailto: bool, today: Any) -> None:
    """Draft a message about the contact NOTE: request, thank-you, introducer-update, nudge
    or keep-warm (KIND).

    The text comes from the vault's templates/messages/KIND.md (else the packaged one), filled
    from the notes: first name, who introduced you, company, career, the advice they gave,
    the date of the last conversation. NOTE is a contact's name, alias or path, or a
    conversation's (for a thank-you). Prints `Subject: ...`, a blank line and the body. Never
    sends anything and writes nothing.
    """
    import datetime as dt

    from .draft.message import MAILTO_SAFE_LENGTH, mailto
    from .draft.run import DraftError, draft

    day = today.date() if today is not None else dt.date.today()
    try:
        made = draft(vault, _load_index(vault, contexts=False), kind, note, day)
    except DraftError as exc:
        raise click.ClickException(printable(str(exc))) from None
    for said in made.notes:
        if as_mailto:
            click.echo(f"Note: {printable(said)}.", err=True)
    if as_mailto:
        url = mailto(made.message, made.to)
        if len(url) > MAILTO_SAFE_LENGTH:
            click.echo(f"Note: the link is {len(url):,} characters long: many mail programs "
                       f"cut a link longer than about {MAILTO_SAFE_LENGTH:,}; draft it "
                       "without --mailto and paste the text instead.", err=True)
        click.echo(url)
    else:
        for line in made.message.text().split("\n"):
            click.echo(printable(line))


# --- everyday verbs: finding notes (DESIGN.md §14) -----------------------------------------------


@main.command("find")
@vault_option
@click.argument("text", required=False)
@click.option("--company", default=None, metavar="NAME",
              help="Only notes tied to this company: its people, conversations with them, "
                   "notes linking it.")
@click.option("--career", default=None, metavar="NAME",
              help="Only notes tied to this career path: its conversations, their people, "
                   "notes linking it.")
@click.option("--tag", default=None, metavar="TAG",
              help="Only notes with this tag (#pay also takes #pay/equity).")
@click.option("--status", default=None, metavar="STATUS",
              help="Only contacts at this stage (met, asked...) and conversations or careers "
                   "with this status (planned, exploring...).")
@click.option("--stale", "stale_days", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Only contacts last in touch more than DAYS days ago, or never.")
@click.option("--type", "note_type", default=None,
              type=click.Choice(["contact", "interview", "company", "career", "other"],
                                case_sensitive=False),
              help="Only notes of this type.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Show at most this many (0: all).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list, one object per note found (see docs/find.md).")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
def find_command(vault: Vault, text: str | None, company: str | None, career: str | None,
                 tag: str | None, status: str | None, stale_days: int | None,
                 note_type: str | None, limit: int, as_json: bool, today: Any) -> None:
    """Find people, conversations and other notes: by name or alias first, then front-matter
    values, then the text of the notes; narrowed by the options (all must hold).

    Case and accents are ignored; TEXT is plain text, never a pattern. Without TEXT, every
    note the options keep is listed. Private notes are listed (this is your terminal), marked
    as private.
    """
    import datetime as dt

    from .find_report import find_rows, format_find
    from .lookup import ContactNameError, note_named
    from .network_report import as_json as dumps
    from .search import Filters, find, statuses

    if status is not None and status.strip().casefold() not in statuses():
        raise click.UsageError(f"--status: {printable(status)!r} is no status; choose one of "
                               f"{', '.join(statuses())}")
    if tag is not None and not tag.strip().lstrip("#"):
        raise click.UsageError("--tag: give a tag, e.g. --tag culture")
    with gcpolicy.paused():
        index, texts = load_index_and_texts(vault, contexts=False)
    about: dict[str, str | None] = {"company": None, "career": None}
    for option, value in (("company", company), ("career", career)):
        if value is not None:
            try:
                about[option] = note_named(index, value, option).path
            except ContactNameError as exc:
                raise click.ClickException(printable(exc.message())) from None
    day = today.date() if today is not None else dt.date.today()
    hits = find(index, texts, text, Filters(
        about["company"], about["career"], tag, status, stale_days,
        note_type.lower() if note_type else None, day))
    shown = hits[:limit] if limit else hits
    rows = find_rows(shown)
    if as_json:
        click.echo(dumps(rows))
    else:
        click.echo(format_find(rows, len(hits) - len(shown), colour=_colour()))


@main.group()
def export() -> None:
    """Export the vault's data for other programs (calendar apps, spreadsheets)."""


@export.command("ics")
@vault_option
@click.option("-o", "--output", type=click.File("wb"), default="-",
              help="Write the feed to this file. Default: standard output.")
@click.option("--include-private", is_flag=True,
              help="Also include follow-ups and interviews from private notes.")
@click.option("--today", type=_DAY, default=None,
              help="With feed_overdue: today in mkdocs.yml, the day overdue follow-ups move to "
                   "(YYYY-MM-DD). Default: the real date.")
def export_ics(vault: Vault, output: Any, include_private: bool, today: Any) -> None:
    """An iCalendar feed of dated follow-ups and planned interviews, for a calendar app.

    Re-exporting an unchanged vault gives identical bytes, and each event keeps its UID, so a
    subscribed calendar updates its events instead of duplicating them (with feed_overdue:
    today, an overdue follow-up moves to the day of the export).
    """
    import datetime as dt

    from .export.ics import FeedSettingsError, followups_ics, vault_feed_options

    try:
        settings, url_of = vault_feed_options(vault)
    except FeedSettingsError as exc:
        raise click.ClickException(f"{vault.config_file}: the vault plugin's {exc}") from None
    day = today.date() if today is not None else dt.date.today()
    output.write(followups_ics(_load_index(vault), include_private=include_private,
                               settings=settings, url_of=url_of, today=day))


@export.command("vcard")
@vault_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the cards to this file. Default: standard output.")
@click.option("--include-private", is_flag=True,
              help="Also include private contacts, and names of private notes.")
def export_vcard(vault: Vault, output: Path | None, include_private: bool) -> None:
    """The contacts as vCard 4.0, for a phone: who they are and who introduced you.

    Private contacts are left out unless --include-private. `import vcard` reads the file back.
    """
    from .export.contacts_vcard import contacts_vcard

    data, count = contacts_vcard(_load_index(vault), include_private=include_private)
    if output is None:
        with click.open_file("-", "wb") as stdout:
            stdout.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror}") from None
    click.echo(f"Wrote {count} contact{'' if count == 1 else 's'} to {output}.", err=True)


@main.group("git")
def git_group() -> None:
    """Sync the vault with git: generated blocks merge without conflicts."""


@git_group.command("install")
@vault_option
@click.option("--pre-commit", "pre_commit", is_flag=True,
              help="Also add a pre-commit hook that runs `fill --check` and `check`.")
def git_install(vault: Vault, pre_commit: bool) -> None:
    """Register the merge driver for notes and hooks that run fill after merges and rebases.

    Running it twice changes nothing; hooks already there keep running (they are chained).
    """
    from .git.hooks import GitSetupError, install_git

    try:
        result = install_git(vault, pre_commit=pre_commit)
    except (GitSetupError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for change in result.changes:
        click.echo(change)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo("Installed." if result.changes else "Already installed: nothing changed.")


@git_group.command("uninstall")
@vault_option
def git_uninstall(vault: Vault) -> None:
    """Remove what `git install` added, putting back any hook it had moved aside."""
    from .git.hooks import GitSetupError, uninstall_git

    try:
        changes = uninstall_git(vault)
    except (GitSetupError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for change in changes:
        click.echo(change)
    click.echo("Uninstalled." if changes else "Nothing to remove.")


@git_group.command("merge-driver", hidden=True)
@click.option("--marker-size", type=click.IntRange(min=1), default=7)
@click.argument("ancestor", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("current", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("path", required=False, default="")
def git_merge_driver(ancestor: Path, current: Path, other: Path, path: str,
                     marker_size: int) -> None:
    """Git's merge driver for notes (%O %A %B %P): writes the result to CURRENT.

    Exits 0 when the merge is clean, 1 when the user's text conflicts (markers are left in).
    """
    from .git.sync import MergeError, merge_files

    try:
        conflicts = merge_files(ancestor, current, other, path, marker_size)
    except (MergeError, OSError) as exc:
        raise click.ClickException(f"{path or current}: {exc}") from None
    sys.exit(1 if conflicts else 0)


# --- capture: new notes from templates, imports, the contacts table (DESIGN.md §3, §8) ----------

_OPEN_HELP = "Open the new note in $EDITOR."


@main.group()
def new() -> None:
    """Create a note from the vault's own template (templates/ in the notes folder).

    Obsidian's placeholders ({{title}}, {{date}}, {{time}}, {{date:FORMAT}}) are filled in as
    Obsidian fills them, and the options go into the properties of the same name; an existing
    note is never overwritten. The path of the new note is printed.
    """


def _create(vault: Vault, note_type: str, name: str, today: Any, open_editor: bool,
            **options: Any) -> None:
    import datetime as dt

    from .capture.new import CaptureError, new_note

    day = today.date() if today is not None else dt.date.today()
    try:
        with gcpolicy.paused():  # it loads the vault, and fills it after writing the note
            note, hints = new_note(vault, note_type, name, today=day, **options)
    except CaptureError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(note.path))
    for hint in hints:
        click.echo(f"Hint: {hint}", err=True)
    if open_editor:
        click.edit(filename=str(note.path))


@new.command("contact")
@vault_option
@click.argument("name")
@click.option("--company", default=None, help="Their company (a link to its note).")
@click.option("--introduced-by", default=None, help="Who introduced you (a link to their note).")
@click.option("--email", default=None, help="Their email address.")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--open", "open_editor", is_flag=True, help=_OPEN_HELP)
def new_contact(vault: Vault, name: str, company: str | None, introduced_by: str | None,
                email: str | None, today: Any, open_editor: bool) -> None:
    """A new contact note: contacts/NAME.md."""
    _create(vault, "contact", name, today, open_editor, company=company,
            introduced_by=introduced_by, email=email)


@new.command("interview")
@vault_option
@click.argument("name")
@click.option("--date", "day", type=_DAY, default=None,
              help="The day of the conversation (YYYY-MM-DD). Default: today.")
@click.option("--time", "at", type=click.DateTime(formats=["%H:%M"]), default=None,
              help="Its time of day (HH:MM, 24-hour): the date becomes a date and time, and "
                   "the calendar feed a timed event.")
@click.option("--planned", is_flag=True, help="Not happened yet: status planned.")
@click.option("--with", "with_", multiple=True, metavar="NAME",
              help="Someone else in the conversation (repeat for several).")
@click.option("--new-person", is_flag=True,
              help="Allow people who have no contact note yet (else such a name is refused).")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--open", "open_editor", is_flag=True, help=_OPEN_HELP)
def new_interview(vault: Vault, name: str, day: Any, at: Any, planned: bool,
                  with_: tuple[str, ...], new_person: bool, today: Any,
                  open_editor: bool) -> None:
    """A new conversation with the person NAME: interviews/YYYY-MM-DD NAME.md.

    NAME (and each --with) must be a contact of the vault, by name or alias, unless
    --new-person; the closest contact's name is suggested. The note's `with` lists them all,
    its `company` is copied from their contact note. Its status is planned with --planned or
    a date after today, else done.
    """
    _create(vault, "interview", name, today, open_editor,
            date=day.date() if day is not None else None,
            at=at.time() if at is not None else None, planned=planned, with_=with_,
            new_person=new_person)


@new.command("company")
@vault_option
@click.argument("name")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--open", "open_editor", is_flag=True, help=_OPEN_HELP)
def new_company(vault: Vault, name: str, today: Any, open_editor: bool) -> None:
    """A new company note: companies/NAME.md."""
    _create(vault, "company", name, today, open_editor)


@new.command("career")
@vault_option
@click.argument("name")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--open", "open_editor", is_flag=True, help=_OPEN_HELP)
def new_career(vault: Vault, name: str, today: Any, open_editor: bool) -> None:
    """A new career path note: careers/NAME.md."""
    _create(vault, "career", name, today, open_editor)


@main.command("log")
@vault_option
@click.argument("name")
@click.argument("text")
@click.option("--kind", default=None, metavar="WORD",
              help="What kind of touch: email, call, message, coffee... (one word).")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="The day it happened. Default: today.")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--dry-run", is_flag=True, help="Print the item and where it would go; write "
                                               "nothing.")
def log_command(vault: Vault, name: str, text: str, kind: str | None, day: str | None,
                today: Any, dry_run: bool) -> None:
    """Add a dated item to the contact NAME's log: `- 2026-11-20 email: TEXT`.

    The item goes under the note's Log heading, after its last item (a `## Log` section is
    added when there is none, before the generated blocks at the end); nothing else in the
    note changes. Line breaks in TEXT become spaces. NAME is a contact's name, alias or path.
    """
    import datetime as dt

    from .capture.log import LogError, log_item, log_touch, parse_day

    real_today = today.date() if today is not None else dt.date.today()
    try:
        item = log_item(parse_day(day) if day is not None else real_today, text, kind)
        with gcpolicy.paused():  # it loads the vault
            logged = log_touch(vault, name, item, dry_run=dry_run)
    except LogError as exc:
        # printable: the name typed comes back in the message (a "Did you mean", the command
        # to create it), escape sequences and all.
        raise click.ClickException(printable(str(exc))) from None
    heading = " (under a new ## Log heading)" if logged.new_heading else ""
    said = printable(f"{logged.path}:{logged.line}{heading}: {logged.item}")
    click.echo(f"would add to {said}" if dry_run else f"added to {said}")
    if day is not None and parse_day(day) > real_today:
        click.echo(f"Note: {day.strip()} is after today.", err=True)


# --- done and snooze: explicit edits of a follow-up's note (DESIGN.md §6, §14) ----------------


def _edited(edited: Any, dry_run: bool, did: str, would: str) -> None:
    """Print what `done` or `snooze` changed (`did`), or with `dry_run` the diff and what it
    `would` change: the note, the line and its new text."""
    if dry_run:
        for line in edited.diff.splitlines():
            click.echo(printable(line))
    said = printable(f"{edited.path}:{edited.line}: {edited.text.strip()}")
    click.echo(f"{would if dry_run else did} {said}")


@main.command("done")
@vault_option
@click.argument("followup_id", metavar="ID")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="The day it was done. Default: today.")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
def done_command(vault: Vault, followup_id: str, day: str | None, today: Any,
                 dry_run: bool) -> None:
    """Mark the follow-up ID (as `vault-tools followups` shows it) done.

    A task is ticked, with the Tasks plugin's ✅ date; a thank-you, thank-introducer,
    keep-in-touch, reach-out, nudge or no-reply gets the one front-matter line that answers
    it (thank_you, introducer_thanked, last_contact, asked, nudged, status: no-response).
    Nothing else in the note changes. See docs/done-and-snooze.md.
    """
    import datetime as dt

    from .edit.followup_edits import EditError, done, parse_day

    real_today = today.date() if today is not None else dt.date.today()
    try:
        when = parse_day(day, "--date") if day is not None else None
        with gcpolicy.paused():  # it loads the vault
            edited = done(vault, followup_id, real_today, when, dry_run=dry_run)
    except EditError as exc:
        raise click.ClickException(printable(str(exc))) from None
    _edited(edited, dry_run, "marked done in", "would mark done in")
    if edited.remark:
        click.echo(printable(f"Note: {edited.remark}."), err=True)
    if edited.blocks_behind and not dry_run:
        click.echo("Note: the generated blocks listing it (the Follow-ups note among them) are "
                   "brought up to date by the next `vault-tools fill`, or at once while "
                   "`vault-tools watch` runs.", err=True)
    if when is not None and when > real_today:
        click.echo(f"Note: {when.isoformat()} is after today.", err=True)


@main.command("snooze")
@vault_option
@click.argument("followup_id", metavar="ID")
@click.option("--until", "until", required=True, metavar="YYYY-MM-DD",
              help="The day it shows again (after today).")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
def snooze_command(vault: Vault, followup_id: str, until: str, today: Any,
                   dry_run: bool) -> None:
    """Hide the follow-up ID (as `vault-tools followups` shows it) until a later day.

    A task gets the Tasks plugin's ⏳ date; any other follow-up a `snoozed_until` line in its
    note's front matter, which hides every follow-up of that note (but its tasks) until then.
    See docs/done-and-snooze.md.
    """
    import datetime as dt

    from .edit.followup_edits import EditError, parse_day, snooze

    real_today = today.date() if today is not None else dt.date.today()
    try:
        day = parse_day(until, "--until")
        with gcpolicy.paused():  # it loads the vault
            edited = snooze(vault, followup_id, real_today, day, dry_run=dry_run)
    except EditError as exc:
        raise click.ClickException(printable(str(exc))) from None
    _edited(edited, dry_run, f"snoozed until {day.isoformat()} in",
            f"would snooze until {day.isoformat()} in")
    for other in edited.also:
        click.echo(printable(f"  also hidden until then: {other.title}"))


@main.command("rename")
@vault_option
@click.argument("old")
@click.argument("new")
@click.option("--keep-alias", is_flag=True,
              help="Add the old name to the note's aliases, so links from outside the vault "
                   "keep working.")
@click.option("--dry-run", is_flag=True, help="Print every change as a diff; write nothing.")
def rename_command(vault: Vault, old: str, new: str, keep_alias: bool, dry_run: bool) -> None:
    """Rename the note OLD to NEW and rewrite every link to it, all or nothing.

    OLD is a note's name, alias or path. NEW is a name (the note stays in its folder) or a
    path from the notes folder (`people/Jane Roe`). Every link that reaches the note is
    rewritten in its own style (wikilinks with headings, block ids, shown text and embeds,
    Markdown links, front-matter links); nothing else in any note changes, and if any note
    cannot be written, none is.
    """
    from .edit.rename import RenameError, rename
    from .writer import WriteError

    try:
        with gcpolicy.paused():  # it loads the vault
            done = rename(vault, old, new, keep_alias=keep_alias, dry_run=dry_run)
    except (RenameError, WriteError) as exc:
        raise click.ClickException(printable(str(exc))) from None
    plan = done.plan
    if dry_run:
        click.echo(plan.diff(), nl=False)
    notes = plan.linking_notes
    said = printable(f"{plan.old_path} -> {plan.new_path}")
    counted = (f"{plan.links} link{'s' if plan.links != 1 else ''} in {notes} "
               f"note{'s' if notes != 1 else ''}")
    alias = f"; '{printable(plan.old_path.rpartition('/')[2][:-3])}' kept as an alias" \
        if plan.alias_added else ""
    refilled = sum(1 for edit in plan.edits if edit.blocks)
    blocks = f"; generated blocks refilled in {refilled} note{'s' if refilled != 1 else ''}" \
        if refilled else ""
    click.echo(f"{'would rename' if dry_run else 'renamed'} {said}: {counted} "
               f"{'would be ' if dry_run else ''}rewritten{alias}{blocks}.")
    if plan.type_change is not None:
        was, now = plan.type_change
        click.echo(f"Note: {printable(plan.new_path)} is "
                   f"{'a ' + printable(now) + ' note' if now else 'a note without a type'} in "
                   f"its new folder (it was a {printable(was or 'untyped')} note); add "
                   f"`type: {printable(was or '')}` to its front matter to keep it one.",
                   err=True)
    for copy in done.kept:
        click.echo(f"another program saved a note while it was written; its version is kept "
                   f"as {printable(copy)}: merge it by hand", err=True)


@main.group("import")
def import_group() -> None:
    """Add contacts from an address book or a LinkedIn export.

    People already in the vault (same email, LinkedIn profile, name or alias) are skipped and
    their notes are never touched. Each entry gets one line of output, then a summary.
    Exits 1 when some entry could not be read.
    """


def _import(vault: Vault, kind: str, file: Path, dry_run: bool) -> None:
    from .capture.importers.common import ImportFileError
    from .capture.importers.run import import_contacts

    try:
        report = import_contacts(vault, _load_index(vault), kind, file, dry_run=dry_run)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)
    sys.exit(1 if report.failed else 0)


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_DRY_RUN_HELP = "Say what would be created; write nothing."


def _import_command(kind: str, help_text: str) -> click.Command:
    """The `import KIND FILE [--dry-run]` command of one format in the importer registry."""

    @vault_option
    @click.argument("file", type=_FILE)
    @click.option("--dry-run", is_flag=True, help=_DRY_RUN_HELP)
    def command(vault: Vault, file: Path, dry_run: bool) -> None:
        _import(vault, kind, file, dry_run)

    return import_group.command(kind, help=help_text)(command)


# One command per format: a format added to the registry is a command, with its help line.
for _kind, _format in READERS.items():
    _import_command(_kind, _format.help)


def _contact_hints(vault: Vault) -> set[str]:
    """The "How we met" hints of the contact templates a note may have been made from."""
    from .capture.new import template_texts
    from .export.interviews_csv import template_hint

    return {template_hint(text) for text in template_texts(vault, "contact")} - {""}


@export.command("csv")
@vault_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table to this file. Default: standard output.")
@click.option("--include-private", is_flag=True,
              help="Also include private notes and the names of private notes.")
@click.option("--interviews", is_flag=True,
              help="One row per conversation (a tracking sheet) instead of per contact.")
@click.option("--excel", is_flag=True,
              help="Start with the byte-order mark Excel needs to read the file as UTF-8.")
def export_contacts_csv(vault: Vault, output: Path | None, include_private: bool,
                        interviews: bool, excel: bool) -> None:
    """The contacts table as CSV: fields, last interaction and next follow-up; or, with
    --interviews, the conversations: date, people, organisation, how you were connected,
    format, status, thank-you, referrals and the next step."""
    import io

    from .export.contacts_csv import write_contacts_csv
    from .export.interviews_csv import write_interviews_csv

    buffer = io.StringIO(newline="")
    if interviews:
        with gcpolicy.paused():
            index, texts = load_index_and_texts(vault)
        count = write_interviews_csv(index, buffer, texts, include_private, excel,
                                     _contact_hints(vault))
        what = "conversation"
    else:
        count = write_contacts_csv(_load_index(vault), buffer, include_private, excel)
        what = "contact"
    # As bytes: the rows' CRLF line ends reach the file as written, on every platform.
    data = buffer.getvalue().encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror}") from None
    click.echo(f"Wrote {count} {what}{'' if count == 1 else 's'} to {output}.", err=True)


@main.command("build")
@vault_option
@click.option("--strict", is_flag=True,
              help="Fail on any warning (a broken or ambiguous link, a missing heading...).")
@click.option("--clean", is_flag=True,
              help="Ignore the site cache and render every page (the cache is rewritten).")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
def build_command(vault: Vault, strict: bool, clean: bool, today: Any) -> None:
    """Fill the generated blocks, then build the private site into <vault>/site/.

    Private notes and unpublished fields never reach the site; the build fails if any
    private value would appear in it. Pages whose notes did not change since the last build
    are kept from it (the site cache in .cache/vault-tools/); --clean renders them all.
    """
    from .site.build import SiteError, build_site, log_to_stderr

    log_to_stderr()
    try:
        site_dir = build_site(vault, strict=strict, filling=gcpolicy.frozen_after_load,
                              rendering=gcpolicy.rendering,
                              clean=clean, today=today.date() if today else None)
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Site built in {site_dir}.")
    # Opened from disk (file://), the site's links to folders (contacts/Jane%20Doe/) lead to
    # directory listings or nowhere: a server is the way to look at it.
    click.echo("To look at it, run `vault-tools serve` and open http://127.0.0.1:8000/ "
               "(opened as files, its links do not work).")


@main.command("serve")
@vault_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to bind. Anything but this machine needs --password.")
@click.option("--password", default=None, envvar="VAULT_TOOLS_PASSWORD",
              help="Require this password (HTTP basic auth, any user name) for every request. "
                   "Also read from VAULT_TOOLS_PASSWORD.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME[:PORT]",
              help="Also answer requests addressed to this host name (repeatable); by default "
                   "only the bound address and localhost are answered.")
@click.option("--today", type=_DAY, default=None, help=_TODAY_HELP)
def serve_command(vault: Vault, port: int, host: str, password: str | None,
                  allow_hosts: tuple[str, ...], today: Any) -> None:
    """Fill the blocks and serve the private site with live reload, on 127.0.0.1.

    Every save fills the blocks it affects and rebuilds the pages that change (a second or
    two on thousands of notes). Stop with Ctrl+C.
    """
    from .site.build import SiteError, check_bind, log_to_stderr, serve_site

    try:
        check_bind(host, password)
        log_to_stderr()
        serve_site(vault, host=host, port=port, password=password, allow_hosts=allow_hosts,
                   today=today.date() if today else None)
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("watch")
@vault_option
def watch_command(vault: Vault) -> None:
    """Keep every generated block filled while you edit, until Ctrl-C.

    Indexes and fills the vault once, then rewrites only the blocks a saved, created, renamed
    or deleted note changes. Pauses while git works. Prints one line per note written, and
    the problems of each note it reads (file:line: severity: message).
    """
    from .watch import WatchError, watch_until_stopped

    def echo(line: str, error: bool) -> None:
        click.echo(line, err=error)

    try:
        summary = watch_until_stopped(vault, echo)
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.describe())
