"""`vault-tools digest` (DESIGN §14): what is due, with one line of context per item, to the
terminal, by e-mail, to a webhook or to an ntfy topic.

`compose.py` says what the digest holds (pure: the day is an argument); `deliver.py` sends it
(the only module of the package that opens a network connection). Nothing is sent, and
nothing printed, when nothing is due.
"""
