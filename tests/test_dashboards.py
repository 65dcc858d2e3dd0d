"""A new dashboard is one entry of `site.dashboards.DASHBOARDS` and its render function."""

from __future__ import annotations

import pytest

from vault_tools.site import dashboards
from vault_tools.site.build import build_site
from vault_tools.vault import find_vault

pytestmark = pytest.mark.slow  # a real MkDocs build

SITE_CONFIG = """site_name: Test vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""


def test_a_registry_entry_is_all_a_new_dashboard_needs(make_vault, monkeypatch) -> None:
    def roles_page(rows, linker, raw_html) -> str:
        return "# Roles\n\n" + "\n".join(f"- {linker.link(ref)}: {role}" for ref, role in rows)

    def roles(site: dashboards.Site) -> list:
        return [(site.view.note_ref(note.path), note.meta.get("role", ""))
                for note in site.view.public_notes() if note.meta.get("role")]

    monkeypatch.setattr(dashboards, "DASHBOARDS", (
        *dashboards.DASHBOARDS, dashboards.Dashboard("Roles", "roles/index.md", roles, roles_page)))
    root = make_vault({
        "contacts/Jane Doe.md": "---\ntype: contact\nrole: Engineer\n---\n\n# Jane Doe\n",
        "contacts/Li Na.md": "---\ntype: contact\nrole: Spy\nprivate: true\n---\n\n# Li Na\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    roles_html = (site / "roles" / "index.html").read_text(encoding="utf-8")
    assert 'href="../contacts/Jane%20Doe/"' in roles_html and "Engineer" in roles_html
    assert "Li Na" not in roles_html and "Spy" not in roles_html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="roles/"' in home  # on the home page and in the nav
    assert home.count('href="roles/"') >= 2
