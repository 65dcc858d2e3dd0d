"""Markdown and HTML for the site's pages, from the rows of `vault_tools.views`.

One module per dashboard, named as the module of `vault_tools.views` whose rows it writes
(`views.people.people_rows` -> `render.people.people_page`), plus `card` (a note's front-matter
card) and `all_notes`; `common` holds what every page writes the same way (`Linker`, cells,
tables, the filter bar, the phone cards). No MkDocs here either: a `Linker` turns a `Ref` into a
link from one page, so the same code serves every page.

Import from the module that defines a name (`from vault_tools.site.render.people import
people_page`): this file lists nothing, so where a page's writer lives is where it is read.
"""
