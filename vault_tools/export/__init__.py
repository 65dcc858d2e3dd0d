"""The verbs that take data out of a vault: the follow-ups as a calendar feed (`ics`) and the
contacts as a spreadsheet (`contacts_csv`; not `csv`, to keep the standard library's name free)."""
