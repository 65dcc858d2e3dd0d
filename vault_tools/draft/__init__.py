"""`vault-tools draft KIND NOTE`: a message to someone of the vault, drafted from the vault's
`templates/messages/KIND.md` and the facts of its notes. Never sent, never recorded: nothing
here writes a file (`facts.py` gathers, `message.py` fills and encodes, `run.py` reads the
template)."""
