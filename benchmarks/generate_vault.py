#!/usr/bin/env python3
"""Synthetic vault generator for vault-tools benchmarks and tests (standard library only).

Usage::

    python benchmarks/generate_vault.py OUT_DIR --notes N [--seed S] [--shape SHAPE]

or, from Python, ``generate_vault(out_dir, notes, seed)``.

What ``N`` counts: every ``.md`` file written under ``OUT_DIR/notes/``, **including** the two
fixed notes ``index.md`` and ``Follow-ups.md``. ``--notes 5000`` therefore gives exactly 5,000
Markdown files, which is what the §11 budgets mean by "5,000 notes". ``N`` must be at least
``MIN_NOTES``.

Shape (see ``plan_counts``): about 35 % contacts, 45 % interviews, 12 % companies, 3 % careers
(at least 3), the rest plain topic notes (a question bank, topics, weekly reviews, events).
Contacts form introduction chains; interviews link existing contacts, companies and careers;
bodies hold prose with wikilinks in every §4 form, headings, tasks in every §10 form and now and
then a fenced code block. About 1 % of body links point at deliberately missing notes
(placeholders, as a real vault has); links in front matter always resolve.

The output is a pure function of ``(N, seed)``: one ``random.Random(seed)``, no wall clock, no
iteration over sets or directory listings, so the same arguments give the same bytes on every
machine and every day.
"""

from __future__ import annotations

import argparse
import itertools
import json
import posixpath
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from urllib.parse import quote

FIRST_DATE = date(2025, 1, 1)
LAST_DATE = date(2027, 3, 31)
# Planned interviews sit late in the range and done ones early, as they would in a live vault.
PLANNED_FROM = date(2026, 6, 1)
DONE_UNTIL = date(2026, 12, 31)

MIN_NOTES = 10
FIXED_NOTES = ("index", "Follow-ups")

FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abigail", "Adebayo", "Aditi", "Aiko", "Alejandro", "Amara", "Amelia",
    "Ana", "Andrés", "Anika", "Arjun", "Astrid", "Ben", "Bianca", "Carlos", "Chen", "Chloe",
    "Daniel", "Dmitri", "Elena", "Elif", "Emeka", "Emma", "Farah", "Fatima", "Felix", "Gabriel",
    "Grace", "Hana", "Hannah", "Hiroshi", "Ibrahim", "Inès", "Isaac", "Jae-won", "James", "Jana",
    "Javier", "Jia", "José", "Kai", "Kavya", "Kofi", "Lars", "Leila", "Liam", "Lucía", "Maya",
    "Mateo", "Mei", "Miguel", "Nadia", "Naomi", "Nia", "Noah", "Olivia", "Omar", "Oskar",
    "Priya", "Rafael", "Rania", "Ravi", "Rosa", "Sade", "Samir", "Sara", "Siobhán", "Sofia",
    "Søren", "Tariq", "Thandiwe", "Tomás", "Valentina", "Wei", "Yara", "Yusuf", "Zainab", "Zoë",
)
LAST_NAMES = (
    "Abara", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown",
    "Chen", "Costa", "Da Silva", "Dubois", "Eriksson", "Fernández", "Fischer", "Garcia", "Gupta",
    "Haddad", "Hansen", "Hernández", "Hoffmann", "Ibrahim", "Ito", "Jansen", "Johnson", "Kaur",
    "Kim", "Kowalski", "Kumar", "Larsen", "Lee", "Li", "Lopez", "Mahlangu", "Martin", "Mensah",
    "Moreau", "Müller", "Murphy", "Nakamura", "Nguyen", "Novak", "O'Brien", "Okafor", "Okonkwo",
    "Olsen", "Park", "Patel", "Perez", "Petrov", "Popescu", "Quispe", "Rahman", "Reyes", "Rossi",
    "Said", "Santos", "Sato", "Schmidt", "Shah", "Silva", "Singh", "Smith", "Sokolov", "Suzuki",
    "Tanaka", "Taylor", "Thompson", "Tran", "Van der Berg", "Vargas", "Wagner", "Walker", "Wang",
    "Williams", "Wilson", "Yamamoto", "Yilmaz", "Zhang",
)
COMPANY_PREFIXES = (
    "Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Tyrell",
    "Cyberdyne", "Soylent", "Wonka", "Aperture", "Oscorp", "Pied Piper", "Massive Dynamic",
    "Blue Sun", "Stark", "Wayne", "Gekko", "Prestige", "Sterling", "Bluth", "Dunder", "Monarch",
    "Nakatomi", "Weyland", "Virtucon", "Zorg", "Ollivander", "Brightline", "Clearwater", "Cobalt",
    "Evergreen", "Fjord", "Granite", "Harbor", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus",
    "Orchid", "Pinnacle", "Quarry", "Redwood", "Summit", "Tandem", "Upland", "Vertex", "Willow",
)
COMPANY_SUFFIXES = (
    "Labs", "Analytics", "Health", "Robotics", "Bank", "Studio", "Systems", "Foundation",
    "Energy", "Media", "Logistics", "Bio", "Partners", "Capital", "Games", "Software",
    "Insurance", "Consulting", "Design", "Learning", "Foods", "Mobility", "Security", "Cloud",
    "Research", "Group", "Works", "Collective", "Institute", "Ventures",
)
CAREERS = (
    "UX Research", "Data Science", "Product Management", "Software Engineering",
    "Technical Writing", "Climate Policy", "Public Health", "Investment Banking", "Nursing",
    "Secondary Teaching", "Architecture", "Urban Planning", "Product Design", "Data Engineering",
    "Developer Relations", "Site Reliability Engineering", "Management Consulting",
    "Venture Capital", "Nonprofit Fundraising", "Science Journalism", "Clinical Research",
    "Bioinformatics", "Supply Chain Management", "Sustainability Consulting", "Game Design",
    "Museum Curation", "Library Science", "Patent Law", "Occupational Therapy", "Learning Design",
    "Cybersecurity", "Machine Learning Engineering", "Quantitative Finance",
    "Renewable Energy Engineering", "Hospital Administration", "Speech Therapy",
    "Veterinary Medicine", "Diplomacy", "Policy Analysis", "Market Research", "Brand Strategy",
    "Sound Engineering", "Film Editing", "Social Work",
)
CAREER_QUALIFIERS = (
    "Healthcare", "Fintech", "Climate", "Public Sector", "Startup", "Enterprise", "Education",
    "Nonprofit", "Gaming", "Biotech",
)
TOPIC_TITLES = (
    "Salary negotiation", "Networking strategy", "Reading list", "Portfolio ideas",
    "Cover letter drafts", "Career values", "Skills to build", "Informational interview tips",
    "Email templates", "Conference notes", "Job boards", "Mentors", "Side projects",
    "Relocation options", "Certifications", "Graduate programs", "Personal pitch",
    "LinkedIn profile", "Weekly goals", "Lessons learned",
)
ROLES = (
    "Senior UX Researcher", "Data Scientist", "Product Manager", "Staff Engineer",
    "Engineering Manager", "Recruiter", "Technical Writer", "Policy Analyst",
    "Nurse Practitioner", "Teacher", "Architect", "Urban Planner", "Designer", "Founder",
    "Director of Research", "Partner", "Analyst", "Consultant", "Clinical Research Coordinator",
    "Program Officer", "Curator", "Librarian", "Head of People", "VP Engineering",
    "Graduate Student", "Professor",
)
INDUSTRIES = (
    "software", "healthcare", "finance", "energy", "education", "media", "logistics",
    "government", "nonprofit", "retail", "biotech", "consulting", "manufacturing", "gaming",
)
CITIES = (
    "Berlin", "Lagos", "Toronto", "São Paulo", "Bengaluru", "Melbourne", "Nairobi", "Lisbon",
    "Seattle", "Austin", "London", "Tokyo", "Mexico City", "Remote",
)
SUBJECTS = (
    "user interviews", "experiment design", "stakeholder management", "grant writing",
    "data pipelines", "accessibility audits", "pricing strategy", "field research",
    "regulatory filings", "patient intake", "curriculum design", "carbon accounting",
    "incident response", "roadmap planning", "open-source maintenance", "community building",
    "budget forecasts", "mentoring juniors", "writing specs", "customer onboarding",
)
# {L} is a link (or, now and then, a plain phrase); {S} a subject.
SENTENCES = (
    "We talked about {S} and how it shows up day to day.",
    "{L} suggested reading up on {S} before the next conversation.",
    "The team spends most of its time on {S}, with a lot of cross-functional meetings.",
    "Ask {L} how they got started in {S}.",
    "Worth comparing with what I heard from {L}.",
    "Most of the week goes into {S}; the rest is meetings and reviews.",
    "Advice for someone starting out: build a small portfolio around {S}.",
    "They like the autonomy best and the on-call rotation least.",
    "Hiring is slow this year, but internal transfers are common.",
    "The culture seems collaborative: decisions are written down and reviewed.",
    "This connects to {L}, especially the part about {S}.",
    "See {L} for more context.",
    "Next time, ask about {S} and how promotions work.",
    "Salary bands are public internally, which {L} found refreshing.",
    "Remote work is the default; the office is used for planning weeks.",
    "A typical project lasts three to six months and ends with a written review.",
    "{L} thinks {S} will matter more in the next five years.",
    "I had not expected {S} to take up so much of the job.",
    "Current projects: a migration, a pilot with two clients, and some work on {S}.",
    "Past accomplishment they are proudest of: shipping the first version of {S} tooling.",
    "Future goal: move closer to {S}, maybe through {L}.",
    "Good question to reuse: what would you do differently if you started again?",
)
PLAIN_REFERENCES = ("a former colleague", "my manager", "a friend from school", "the recruiter")
QUESTIONS = (
    "What does a typical week look like?",
    "What do you like best about your career?",
    "What is the hardest part of the job?",
    "How did you get your first role in the field?",
    "Which skills matter most in the first year?",
    "What are you working on right now?",
    "Who else should I talk to?",
    "What would you tell someone starting out?",
    "How has the field changed since you started?",
    "What are your goals for the next few years?",
)
TASKS = (
    "Send a thank-you note to {L}",
    "Ask {L} for an introduction to someone in {S}",
    "Read the article {L} recommended",
    "Tell {L} how the conversation went",
    "Prepare questions about {S}",
    "Update my notes on {S}",
    "Share my portfolio with {L}",
    "Look up open roles at {L}",
)
TAGS = ("networking", "priority", "alumni", "warm-intro", "conference", "remote", "mentor")
EVENT_KINDS = ("Meetup", "Career fair", "Conference", "Webinar", "Alumni dinner")

# Headings every note of a kind carries, so that `[[Name#Heading]]` links always hit a heading.
HEADINGS: dict[str, tuple[str, ...]] = {
    "contact": ("Background", "How we met", "Notes"),
    "interview": ("Questions", "What I learned", "Next steps"),
    "company": ("Overview", "People", "Notes"),
    "career": ("What it is", "Paths in", "Questions to ask"),
    "topic": ("Notes", "Open questions"),
    "index": ("Careers",),
    "dashboard": (),
}
# How each heading's section is filled (see `_Body.section_line`); other headings get prose.
SECTION_STYLE = {
    "Questions": "questions",
    "Questions to ask": "questions",
    "Open questions": "questions",
    "People": "people",
    "Paths in": "bullets",
    "Next steps": "tasks",
    "Notes": "mixed",
}

_YAML_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .,/()'-]*")
# Words YAML 1.1 would turn into booleans or null when written bare.
_YAML_RESERVED = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null"))
_EMAIL_FOLD = str.maketrans({"ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "å": "a"})


@dataclass(eq=False)  # identity semantics: notes link to each other in cycles
class Note:
    """One note to be written: its identity, its front matter lines and its link metadata."""

    kind: str
    stem: str
    folder: str  # posix path under notes/, "" for the notes folder itself
    display: str  # text for `[[Name|display]]`
    alias: str | None = None
    company: Note | None = None  # a contact's employer
    day: date | None = None  # an interview's date
    front: list[str] = field(default_factory=list)  # YAML lines, without the --- fences
    related: list[Note] = field(default_factory=list)  # preferred body link targets

    @property
    def relpath(self) -> str:
        """Path of the note relative to the notes folder, with forward slashes."""
        return f"{self.folder}/{self.stem}.md" if self.folder else f"{self.stem}.md"


def plan_counts(notes: int) -> dict[str, int]:
    """Return how many notes of each kind a vault of ``notes`` Markdown files holds.

    The values sum to ``notes``; ``fixed`` is always 2 (``index`` and ``Follow-ups``) and
    ``careers`` at least 3. Raises ``ValueError`` below ``MIN_NOTES``.
    """
    if notes < MIN_NOTES:
        raise ValueError(f"--notes must be at least {MIN_NOTES}, got {notes}")
    rest = notes - len(FIXED_NOTES)
    counts = {
        "careers": max(3, int(notes * 0.03 + 0.5)),
        "companies": max(1, int(notes * 0.12 + 0.5)),
        "contacts": max(1, int(notes * 0.35 + 0.5)),
        "interviews": max(1, int(notes * 0.45 + 0.5)),
    }
    # Small vaults: shave the biggest groups until the fixed shares fit.
    while sum(counts.values()) > rest:
        biggest = max(("interviews", "contacts", "companies"), key=counts.__getitem__)
        counts[biggest] -= 1
    counts["topics"] = rest - sum(counts.values())
    counts["fixed"] = len(FIXED_NOTES)
    return counts


class _Names:
    """Case-insensitive registry of every stem and alias, so no two notes share a name."""

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}

    def taken(self, name: str) -> bool:
        return name.casefold() in self._taken

    def claim(self, name: str) -> bool:
        """Claim ``name``; False (and no change) if it, in any case, is already taken."""
        key = name.casefold()
        if key in self._taken:
            return False
        self._taken[key] = name
        return True

    def unique(self, candidates: Iterable[str], count: int) -> list[str]:
        """Claim ``count`` names, taking ``candidates`` in order and reusing them with a
        numeric disambiguator (``Name 2``, ``Name 3``…) only once the candidates run out."""
        pool = list(candidates)
        out: list[str] = []
        for name in pool:
            if len(out) == count:
                return out
            if self.claim(name):
                out.append(name)
        for n in itertools.count(2):
            for name in pool:
                if len(out) == count:
                    return out
                if self.claim(f"{name} {n}"):
                    out.append(f"{name} {n}")
        raise AssertionError("unreachable")


def _shuffled(rng: Random, items: Iterable[str]) -> list[str]:
    """A new list of ``items`` in an order drawn from ``rng``."""
    out = list(items)
    rng.shuffle(out)
    return out


def _date(rng: Random, lo: date = FIRST_DATE, hi: date = LAST_DATE) -> date:
    """A uniformly drawn day in ``[lo, hi]``."""
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _clamp(d: date) -> date:
    """``d`` moved into the vault's date range."""
    return min(max(d, FIRST_DATE), LAST_DATE)


def _scalar(value: str) -> str:
    """A YAML scalar for ``value``: bare when YAML reads it back as the same string, else a
    double-quoted JSON string (JSON strings are valid YAML)."""
    if _YAML_PLAIN.fullmatch(value) and value.casefold() not in _YAML_RESERVED:
        return value
    return json.dumps(value, ensure_ascii=False)


def _link_value(note: Note) -> str:
    """The front-matter form of a link: ``"[[Name]]"``, quoted (valid YAML for any name)."""
    return json.dumps(f"[[{note.stem}]]", ensure_ascii=False)


def _key_links(key: str, notes: list[Note], *, as_list: bool) -> list[str]:
    """Front-matter lines for a link field: one quoted link, or a block list of them."""
    if not as_list:
        return [f"{key}: {_link_value(notes[0])}"]
    return [f"{key}:"] + [f"  - {_link_value(n)}" for n in notes]


def _email(stem: str) -> str:
    """``first.last@example.com`` from a contact stem, ASCII only, keeping any disambiguator
    (``Jane Doe 2`` -> ``jane.doe2@example.com``) so emails are unique like the stems."""
    parts = stem.split(" ")
    suffix = parts.pop() if parts[-1].isdigit() else ""
    local = f"{parts[0]}.{''.join(parts[1:])}{suffix}".casefold().translate(_EMAIL_FOLD)
    local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]", "", local) + "@example.com"


# --------------------------------------------------------------------------- notes and fields


def _make_notes(rng: Random, names: _Names, counts: dict[str, int]) -> dict[str, list[Note]]:
    """Choose the name and folder of every note but the interviews, claiming each in ``names``
    (interview stems start with a date, so they are named later without clashing)."""
    for fixed in FIXED_NOTES:
        names.claim(fixed)
    people = [f"{f} {last}" for f, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    people = _shuffled(rng, people)
    contacts = [
        Note("contact", stem, "contacts", stem.split(" ", 1)[0])
        for stem in names.unique(people, counts["contacts"])
    ]
    companies_pool = _shuffled(
        rng, (f"{p} {s}" for p, s in itertools.product(COMPANY_PREFIXES, COMPANY_SUFFIXES))
    )
    companies = [
        Note("company", stem, "companies", stem.split(" ", 1)[0])
        for stem in names.unique(companies_pool, counts["companies"])
    ]
    # Plain career names first; qualified ones ("Fintech Data Science") only for big vaults.
    careers_pool = _shuffled(rng, CAREERS) + _shuffled(
        rng, (f"{q} {c}" for q, c in itertools.product(CAREER_QUALIFIERS, CAREERS))
    )
    careers = [
        Note("career", stem, "careers", stem.casefold())
        for stem in names.unique(careers_pool, counts["careers"])
    ]
    topics = _make_topics(rng, names, counts["topics"])
    # Placeholders: people mentioned in passing who have no note yet (people pool is shuffled,
    # so the unused tail is as random as the head), plus a few missing topic notes.
    placeholders = [p for p in people[len(contacts) :][:40] if not names.taken(p)]
    extra = ("Negotiation scripts", "Interview debrief template", "Dream companies")
    placeholders += [t for t in extra if not names.taken(t)]
    placeholder_notes = [Note("placeholder", p, "", p) for p in placeholders]
    # Aliases ("Jane D.") for some contacts, only where the alias is unique everywhere.
    for c in contacts:
        if rng.random() < 0.15:
            first, last = c.stem.split(" ", 1)
            alias = f"{first} {last[0]}."
            if names.claim(alias):
                c.alias = alias
    return {
        "contacts": contacts,
        "companies": companies,
        "careers": careers,
        "topics": topics,
        "placeholders": placeholder_notes,
    }


def _make_topics(rng: Random, names: _Names, count: int) -> list[Note]:
    """Plain notes: the question bank, topic notes, then weekly reviews and event notes."""
    out: list[Note] = []
    if count and names.claim("questions"):
        out.append(Note("topic", "questions", "", "question bank"))
    weeks: list[str] = []
    d = FIRST_DATE
    while d <= LAST_DATE:
        iso = d.isocalendar()
        weeks.append(f"Weekly review {iso[0]}-W{iso[1]:02d}")
        d += timedelta(days=7)
    events = [f"{_date(rng).isoformat()} {kind}" for kind in EVENT_KINDS for _ in range(40)]
    pool = [(t, "topics") for t in _shuffled(rng, TOPIC_TITLES)]
    pool += [(w, "journal") for w in weeks] + [(e, "events") for e in sorted(set(events))]
    folders = dict(pool)
    for stem in names.unique((p[0] for p in pool), count - len(out)):
        base = stem if stem in folders else stem.rsplit(" ", 1)[0]
        out.append(Note("topic", stem, folders[base], stem.casefold()))
    return out


def _fill_contacts(rng: Random, contacts: list[Note], companies: list[Note]) -> None:
    """Give every contact an employer and its front matter (links only to existing notes)."""
    for i, c in enumerate(contacts):
        c.company = rng.choice(companies)
        c.related.append(c.company)
        fm = ["type: contact", f"company: {_link_value(c.company)}"]
        fm.append(f"role: {_scalar(rng.choice(ROLES))}")
        fm.append(f"email: {_email(c.stem)}")
        if rng.random() < 0.3:
            fm.append(f"location: {_scalar(rng.choice(CITIES))}")
        # Introducers are earlier contacts, so introductions form chains (and never cycles).
        if i and rng.random() < 0.4:
            introducer = contacts[rng.randrange(max(0, i - 60), i)]
            c.related.append(introducer)
            fm.append(f"introduced_by: {_link_value(introducer)}")
            if rng.random() < 0.3:
                fm.append(f"introducer_thanked: {_date(rng).isoformat()}")
        if rng.random() < 0.3:
            cadence = rng.choice(("30d", "60d", "2w", "6w", "3m", "6m", "45", "90"))
            fm.append(f"cadence: {cadence}")
        if rng.random() < 0.35:
            fm.append(f"last_contact: {_date(rng).isoformat()}")
        if rng.random() < 0.4:
            fm.append(f"status: {rng.choice(('to-contact', 'met', 'met', 'reached-out'))}")
        if c.alias:
            if rng.random() < 0.5:
                fm.append(f"aliases: [{json.dumps(c.alias, ensure_ascii=False)}]")
            else:
                fm += ["aliases:", f"  - {json.dumps(c.alias, ensure_ascii=False)}"]
        if rng.random() < 0.25:
            fm.append(f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 2)))}]")
        if rng.random() < 0.02:
            fm.append("private: true")
        c.front = fm


def _make_interviews(
    rng: Random, names: _Names, count: int, contacts: list[Note], careers: list[Note]
) -> list[Note]:
    """Interviews with existing contacts; stems ``YYYY-MM-DD First Last`` are kept unique."""
    out: list[Note] = []
    for _ in range(count):
        r = rng.random()
        status = "done" if r < 0.8 else "planned" if r < 0.95 else "cancelled"
        k = 1 if rng.random() < 0.85 else rng.randint(2, 3)
        people = rng.sample(contacts, min(k, len(contacts)))
        # Re-draw the date on a clash; a suffix only if the contact is booked every day.
        for _attempt in range(20):
            if status == "planned":
                day = _date(rng, PLANNED_FROM, LAST_DATE)
            elif status == "done":
                day = _date(rng, FIRST_DATE, DONE_UNTIL)
            else:
                day = _date(rng)
            stem = f"{day.isoformat()} {people[0].stem}"
            if names.claim(stem):
                break
        else:
            stem = names.unique([stem], 1)[0]
        note = Note("interview", stem, "interviews", f"call on {day.isoformat()}", day=day)
        company = people[0].company
        career_list = rng.sample(careers, 2 if rng.random() < 0.1 else 1)
        note.related += people + career_list
        fm = ["type: interview", f"date: {day.isoformat()}"]
        # Mostly a single link; sometimes a list, even of one.
        fm += _key_links("with", people, as_list=len(people) > 1 or rng.random() < 0.1)
        if company is not None:
            note.related.append(company)
            fm.append(f"company: {_link_value(company)}")
        fm += _key_links("career", career_list, as_list=len(career_list) > 1)
        fmt = rng.choices(("video", "call", "in-person", "email", "conference"), (5, 3, 3, 1, 1))
        fm.append(f"format: {fmt[0]}")
        fm.append(f"status: {status}")
        if status == "done" and rng.random() < 0.85:
            fm.append(f"thank_you: {_clamp(day + timedelta(days=rng.randint(0, 3))).isoformat()}")
        if status == "done":
            fm.append(f"interest: {rng.choices((-2, -1, 0, 1, 2), (1, 2, 4, 4, 2))[0]}")
        if status == "done" and rng.random() < 0.2:
            others = [c for c in rng.sample(contacts, min(3, len(contacts))) if c not in people]
            if others:
                referrals = others[: rng.randint(1, 2)]
                note.related += referrals
                fm += _key_links("referrals", referrals, as_list=True)
        if rng.random() < 0.15:
            fm.append(f"tags: [{rng.choice(TAGS)}]")
        note.front = fm
        out.append(note)
    return out


def _fill_others(rng: Random, companies: list[Note], careers: list[Note]) -> None:
    """Front matter of companies and careers."""
    for co in companies:
        slug = re.sub(r"[^a-z0-9]+", "-", co.stem.casefold()).strip("-")
        co.front = [
            "type: company",
            f"industry: {rng.choice(INDUSTRIES)}",
            f"website: {_scalar(f'https://{slug}.example.com')}",
        ]
        if rng.random() < 0.6:
            co.front.append(f"location: {_scalar(rng.choice(CITIES))}")
    for ca in careers:
        status = rng.choices(("exploring", "pursuing", "ruled-out"), (5, 2, 2))[0]
        ca.front = ["type: career", f"status: {status}"]


# --------------------------------------------------------------------------- bodies


class _Body:
    """Writes one note's body, rendering links in all §4 forms with controlled frequencies."""

    def __init__(
        self, rng: Random, note: Note, pick: Callable[[], Note], placeholders: list[Note]
    ) -> None:
        self.rng = rng
        self.note = note
        self.pick = pick  # a random note anywhere in the vault
        self.placeholders = placeholders
        # Drawn without repeats within a note: questions in order, a company's people in order.
        self.questions = rng.sample(QUESTIONS, len(QUESTIONS))
        self.people = [r for r in note.related if r.kind == "contact"]

    def target(self) -> Note:
        """A link target: usually one of the note's related notes, else any note."""
        if self.note.related and self.rng.random() < 0.6:
            return self.rng.choice(self.note.related)
        return self.pick()

    def link(self, target: Note | None = None) -> str:
        """A link to ``target`` (default: `target()`) in one of the §4 forms; about 1 % of
        the time a placeholder link to a note that does not exist instead."""
        rng = self.rng
        t = target or self.target()
        if self.placeholders and rng.random() < 0.012:
            return f"[[{rng.choice(self.placeholders).stem}]]"
        r = rng.random()
        if r < 0.10:
            return f"[[{t.stem}|{t.display}]]"
        if r < 0.17 and HEADINGS[t.kind]:
            return f"[[{t.stem}#{rng.choice(HEADINGS[t.kind])}]]"
        if r < 0.20 and t.folder:
            return f"[[{t.folder}/{t.stem}]]"
        if r < 0.22 and t.alias:
            return f"[[{t.alias}]]"
        if r < 0.24:
            rel = posixpath.relpath(t.relpath, self.note.folder or ".")
            return f"[{t.display}]({quote(rel)})"
        return f"[[{t.stem}]]"

    def sentence(self) -> str:
        """One sentence of prose, usually holding a link."""
        s = self.rng.choice(SENTENCES)
        ref = self.link() if self.rng.random() < 0.75 else self.rng.choice(PLAIN_REFERENCES)
        s = s.replace("{L}", ref).replace("{S}", self.rng.choice(SUBJECTS))
        return s[0].upper() + s[1:]  # "my manager thinks..." starts a sentence

    def paragraph(self) -> str:
        """One to three sentences on one line."""
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))

    def task(self) -> str:
        """A task line in one of the §10 forms: `📅 date`, `due:date`, undated, or done."""
        rng = self.rng
        text = rng.choice(TASKS).replace("{S}", rng.choice(SUBJECTS)).replace("{L}", self.link())
        if self.note.day is not None:  # an interview's to-dos fall due in the weeks after it
            due = _clamp(self.note.day + timedelta(days=rng.randint(1, 30))).isoformat()
        else:
            due = _date(rng).isoformat()
        r = rng.random()
        if r < 0.35:
            return f"- [ ] {text} 📅 {due}"
        if r < 0.55:
            return f"- [ ] {text} due:{due}"
        if r < 0.75:
            return f"- [ ] {text}"
        return f"- [x] {text}"

    def section_line(self, style: str) -> str:
        """One non-blank line of a section of the given style."""
        rng = self.rng
        if style == "questions" and self.questions:
            line = f"- {self.questions.pop()}"
            return line + f" (asked {self.link()} too)" if rng.random() < 0.2 else line
        if style == "people" and self.people:
            return f"- {self.link(self.people.pop(0))}, {rng.choice(ROLES).lower()}"
        if style in ("bullets", "questions", "people"):
            return f"- {self.sentence()}"
        if style == "tasks" or (style == "mixed" and rng.random() < 0.35):
            return self.task()
        if style == "mixed" and rng.random() < 0.3:
            return f"- {self.sentence()}"
        return self.paragraph()

    def code_block(self) -> list[str]:
        """A fenced block whose `[[...]]` is not a link (§4): a checker must not report it."""
        people = [r for r in self.note.related if r.kind == "contact"]
        first = people[0].display if people else "there"
        return [
            "```text",
            f"Hi {first}, thanks again for your time — the part about "
            f"{self.rng.choice(SUBJECTS)} was really useful.",
            "Template for my notes: [[Name of the person]] at [[Company]]",
            "```",
        ]

    def render(self, title: str) -> str:
        """The whole body: 5–40 non-blank lines, every heading of the note's kind present."""
        rng = self.rng
        headings = HEADINGS[self.note.kind]
        # Non-blank lines: the title, the headings, then at least one line per section.
        budget = max(rng.randint(5, 40) - 1 - len(headings), len(headings) or 1)
        code_at = rng.randrange(len(headings) or 1) if rng.random() < 0.1 and budget >= 6 else -1
        if code_at >= 0:
            budget -= 4
        shares = [1] * (len(headings) or 1)
        for _ in range(budget - len(shares)):
            shares[rng.randrange(len(shares))] += 1
        lines = [f"# {title}", ""]
        for i, n in enumerate(shares):
            style = "prose"
            if headings:
                lines += [f"## {headings[i]}", ""]
                style = SECTION_STYLE.get(headings[i], "prose")
            section = [self.section_line(style) for _ in range(n)]
            if i == 0 and self.note.kind == "topic" and rng.random() < 0.1:
                # A code span whose `[[...]]` is not a link (§4); replaces a line, to keep
                # within the line budget.
                section[-1] = "In Obsidian syntax a link is written `[[Note name]]`."
            for line in section:
                # Keep list items together; a paragraph after a list needs a blank line, or
                # Markdown reads it as a continuation of the last item.
                if not line.startswith("- ") and lines[-1]:
                    lines.append("")
                lines.append(line)
                if not line.startswith("- "):
                    lines.append("")
            if lines[-1]:
                lines.append("")
            if i == code_at:
                lines += [*self.code_block(), ""]
        return "\n".join(lines).rstrip("\n") + "\n"


def _title(note: Note) -> str:
    """The body's `# ` title: the name, capitalised; interviews say who they were with."""
    if note.kind == "interview":
        return f"Conversation with {note.stem.split(' ', 1)[1]}"
    return note.stem[:1].upper() + note.stem[1:]


def _document(front: list[str], body: str) -> str:
    """The note's text: front matter between `---` fences (if any), a blank line, the body."""
    if not front:
        return body
    return "---\n" + "\n".join(front) + "\n---\n\n" + body


def _fixed_notes(careers: list[Note], topics: list[Note]) -> dict[str, str]:
    """``index.md`` (linking every career) and the ``Follow-ups.md`` dashboard with its empty
    ``followups`` block, keyed by path under notes/."""
    has_questions = any(t.stem == "questions" for t in topics)
    index = [
        "# Career exploration",
        "",
        "Start with [[Follow-ups]] for what is due, then browse contacts, interviews, companies "
        "and career paths from the site navigation.",
        "",
        "## Careers",
        "",
        *(f"- [[{c.stem}]]" for c in careers),
        "",
    ]
    if has_questions:
        index += ["The question bank lives in [[questions]].", ""]
    dashboard = [
        "# Follow-ups",
        "",
        "Open follow-ups across the vault, filled in by `vault-tools fill`.",
        "",
        "<!-- vault-tools:followups -->",
        "<!-- /vault-tools:followups -->",
        "",
    ]
    return {"index.md": "\n".join(index), "Follow-ups.md": "\n".join(dashboard)}


MKDOCS_YML = """\
site_name: Synthetic vault ({notes} notes, seed {seed})
docs_dir: notes
theme:
  name: material
"""


def render_vault(
    notes: int, seed: int = 1, relocate: Callable[[str, str], str] | None = None
) -> dict[str, str]:
    """Return the vault as ``{posix path relative to the vault root: file text}``, in a stable
    order. Pure: the same ``(notes, seed)`` always gives the same mapping.

    ``relocate(folder, stem)``, when given, names a new folder for every note but the two fixed
    ones before any body is written, so links by path and relative links follow the notes
    (``vault_shapes.py`` nests folders with it); it must be a pure function too."""
    counts = plan_counts(notes)
    rng = Random(seed)
    names = _Names()
    made = _make_notes(rng, names, counts)
    contacts, companies, careers = made["contacts"], made["companies"], made["careers"]
    topics = made["topics"]
    _fill_contacts(rng, contacts, companies)
    _fill_others(rng, companies, careers)
    interviews = _make_interviews(rng, names, counts["interviews"], contacts, careers)
    for c in contacts:  # a company links its people (a sample of them for big companies)
        if c.company is not None and len(c.company.related) < 12:
            c.company.related.append(c)
    for ca in careers:
        ca.related = rng.sample(interviews, min(4, len(interviews)))
    for t in topics:
        t.related = rng.sample(careers, 2) + rng.sample(contacts, min(2, len(contacts)))
        if rng.random() < 0.5:
            t.front = [f"tags: [{rng.choice(TAGS)}]"]
        if rng.random() < 0.02:
            t.front.append("private: true")

    every = contacts + interviews + companies + careers + topics
    if relocate is not None:
        for note in every:
            note.folder = relocate(note.folder, note.stem)

    def pick() -> Note:
        return every[rng.randrange(len(every))]

    files: dict[str, str] = {"mkdocs.yml": MKDOCS_YML.format(notes=notes, seed=seed)}
    for path, text in _fixed_notes(careers, topics).items():
        files[f"notes/{path}"] = text
    for note in every:
        body = _Body(rng, note, pick, made["placeholders"]).render(_title(note))
        files[f"notes/{note.relpath}"] = _document(note.front, body)
    assert sum(1 for p in files if p.endswith(".md")) == notes, "note count drifted"
    return files


def generate_vault(out_dir: Path, notes: int, seed: int = 1) -> Path:
    """Create a synthetic vault of exactly ``notes`` Markdown files in ``out_dir`` and return
    ``out_dir``.

    ``out_dir`` may exist but must not already hold ``mkdocs.yml`` or a non-empty ``notes/``
    (``FileExistsError``), so a stale vault is never silently mixed with a new one.
    """
    out_dir = Path(out_dir)
    notes_dir = out_dir / "notes"
    if (out_dir / "mkdocs.yml").exists() or (notes_dir.exists() and any(notes_dir.iterdir())):
        raise FileExistsError(f"{out_dir} already holds a vault")
    files = render_vault(notes, seed)
    made: set[Path] = set()
    for rel, text in files.items():
        path = out_dir / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        # Bytes, not text mode: "\n" stays "\n" on every platform.
        path.write_bytes(text.encode("utf-8"))
    return out_dir


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to create the vault in")
    parser.add_argument(
        "--notes",
        type=int,
        required=True,
        help=f"number of .md files, index and Follow-ups included (at least {MIN_NOTES})",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--shape", default="generator",
                        help="generator (default), long, attachments or deep: see vault_shapes.py")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.shape == "generator":
            generate_vault(args.out_dir, args.notes, args.seed)
        else:  # the variants live in their own module, which imports this one
            from vault_shapes import write_shaped

            write_shaped(args.out_dir, args.notes, args.seed, args.shape)
    except (ValueError, FileExistsError) as exc:
        parser.error(str(exc))
    counts = plan_counts(args.notes)
    shape = ", ".join(f"{k} {v}" for k, v in counts.items())
    elapsed = time.perf_counter() - started
    print(f"wrote {args.notes} notes ({args.shape} shape) to {args.out_dir / 'notes'} "
          f"({shape}) in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
