"""What the private site shows, as plain data: pure functions of the index, no MkDocs.

The site is a thin adapter over this package: it turns the rows of its modules into pages, one
module per dashboard, named as the module of `vault_tools.site.render` that writes it
(`views.people` -> `site.render.people`). `common` holds what they share: the `SiteView`, `Ref`
and `Url`. Everything here already honours privacy (§7): a `SiteView` knows which notes are
private, and no row, card, graph node or follow-up it hands out names one. A link to a private
note becomes a `Ref` with status "private", which the site shows as "a private note" without a
link.

Import from the module that defines a name (`from vault_tools.views.people import people_rows`):
this file lists nothing, so where a row lives is where it is read.
"""
