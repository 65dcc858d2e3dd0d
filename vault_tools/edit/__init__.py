"""The explicit edits a user asks for (DESIGN §6, §14): `done`, `snooze`, `rename`.

Each changes the user's own text exactly as its command's documentation says (a task ticked,
one front-matter line inserted or replaced as text, links rewritten), through
`vault_tools.writer`, with `--dry-run`. Nothing else in the package edits what the user wrote
outside generated blocks.
"""
