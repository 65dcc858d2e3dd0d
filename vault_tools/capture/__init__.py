"""The verbs that put notes into a vault: `init` (a new vault), `new` (one note from its
template), `import` (contacts from other programs, one module per format in `importers/`) and
`log` (a dated item in a contact's log)."""
