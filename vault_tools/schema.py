"""The note schema of DESIGN §2, §3 and §10, written once: note types and their folders, the
front-matter keys of each type and their labels, the statuses, the keys that hold links, and
the follow-up kinds with their labels.

Pure data, no imports from the package: every other module may read it. A new note type, key,
status or follow-up kind starts here.
"""

from __future__ import annotations

# --- note types and folders (§2) ---------------------------------------------------------------

CONTACT = "contact"
INTERVIEW = "interview"
COMPANY = "company"
CAREER = "career"
NOTE_TYPES = (CONTACT, INTERVIEW, COMPANY, CAREER)

# The folder each type of note is created in; a note in one of them that names no type in its
# front matter (a hand-made contacts/Bob.md) is of that type.
TYPE_FOLDERS = {
    CONTACT: "contacts",
    INTERVIEW: "interviews",
    COMPANY: "companies",
    CAREER: "careers",
}
FOLDER_TYPES = {folder: note_type for note_type, folder in TYPE_FOLDERS.items()}


def folder_type(rel_path: str) -> str | None:
    """The type a note has by its top folder alone (None at the top or in another folder)."""
    return FOLDER_TYPES.get(rel_path.split("/", 1)[0]) if "/" in rel_path else None


# --- front-matter keys (§3) --------------------------------------------------------------------

# The keys of each type, in the order a note's card shows them.
TYPE_KEYS = {
    CONTACT: ("company", "role", "email", "phone", "linkedin", "location", "introduced_by",
              "status", "cadence", "last_contact", "asked", "replied", "nudged",
              "introducer_thanked", "snoozed_until"),
    INTERVIEW: ("date", "with", "company", "career", "format", "status", "thank_you",
                "interest", "referrals", "snoozed_until"),
    COMPANY: ("industry", "website", "location"),
    CAREER: ("status", "ruled_out", "reason", "snoozed_until"),
}
# The day until which a note's derived follow-ups (every kind but `task`) are hidden from the
# date-relative views (§10; `vault-tools snooze` writes it). A task is snoozed with its own ⏳.
SNOOZED_UNTIL = "snoozed_until"
# A career's score against a criterion of mkdocs.yml's `criteria` (§13): `score_growth: 4`.
SCORE_PREFIX = "score_"
# How a key is shown where its name would read badly; any other key is shown capitalised, with
# its underscores as blanks.
KEY_LABELS = {"introduced_by": "Introduced by", "last_contact": "Last contact",
              "introducer_thanked": "Introducer thanked", "thank_you": "Thank-you sent",
              "with": "With", "linkedin": "LinkedIn", "aliases": "Also known as",
              "ruled_out": "Ruled out", "snoozed_until": "Snoozed until"}


def key_label(key: str) -> str:
    """The label a front-matter key is shown with."""
    return KEY_LABELS.get(key, key.replace("_", " ").capitalize())


# Front-matter keys whose bare string values are note names; elsewhere only [[...]] links.
LINK_KEYS = frozenset({"company", "introduced_by", "with", "career", "referrals"})

# --- statuses ----------------------------------------------------------------------------------

PLANNED, DONE, CANCELLED = "planned", "done", "cancelled"
INTERVIEW_STATUSES = (PLANNED, DONE, CANCELLED)
# An interview whose status is none of INTERVIEW_STATUSES (a typo): neither done nor planned.
UNKNOWN_STATUS = "unknown"
EXPLORING, PURSUING, RULED_OUT = "exploring", "pursuing", "ruled-out"
CAREER_STATUSES = (EXPLORING, PURSUING, RULED_OUT)
# A contact's pipeline stage (§12), in the order a relationship moves through them; `status`
# names one, or the stage is derived from the facts (asked, replied, conversations).
TO_CONTACT, ASKED, SCHEDULED, MET = "to-contact", "asked", "scheduled", "met"
KEEP_WARM, NO_RESPONSE, DECLINED, PAUSED = "keep-warm", "no-response", "declined", "paused"
CONTACT_STATUSES = (TO_CONTACT, ASKED, SCHEDULED, MET, KEEP_WARM, NO_RESPONSE, DECLINED, PAUSED)
# The stages that end outreach: nobody is asked to reach out to, or nudge, such a person.
CLOSED_STATUSES = frozenset({DECLINED, PAUSED, NO_RESPONSE})

# --- follow-up kinds (§10) ---------------------------------------------------------------------

TASK = "task"
PREPARE = "prepare"
THANK_YOU = "thank-you"
KEEP_IN_TOUCH = "keep-in-touch"
THANK_INTRODUCER = "thank-introducer"
UPDATE_STATUS = "update-status"
ADD_REFERRAL = "add-referral"
REACH_OUT = "reach-out"
NUDGE = "nudge"
NO_REPLY = "no-reply"
EXPLORE_OR_DROP = "explore-or-drop"
KINDS = (TASK, PREPARE, THANK_YOU, KEEP_IN_TOUCH, THANK_INTRODUCER, UPDATE_STATUS,
         ADD_REFERRAL, REACH_OUT, NUDGE, NO_REPLY, EXPLORE_OR_DROP)
# How a kind is named to a reader (the calendar feed's event titles). `update-status` is no
# open follow-up (it asks to correct a note) and appears in no feed.
KIND_LABELS = {
    TASK: "Task",
    PREPARE: "Prepare",
    THANK_YOU: "Thank-you",
    KEEP_IN_TOUCH: "Keep in touch",
    THANK_INTRODUCER: "Thank the introducer",
    ADD_REFERRAL: "Add a referral",
    REACH_OUT: "Reach out",
    NUDGE: "Nudge",
    NO_REPLY: "No reply",
    EXPLORE_OR_DROP: "Explore or drop",
}
