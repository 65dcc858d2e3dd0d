"""The home dashboard in a built site: where it goes (the vault's own `index.md` or the
generated home), that the leak scan reads it, and that `serve` renders it again only when
what it shows changed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from vault_tools.site.build import SiteError, build_site, load_site_config
from vault_tools.site.incremental import LiveSite
from vault_tools.vault import find_vault
from vault_tools.views import home as home_views
from vault_tools.views.common import SiteView

from .test_home import PRIVATE_VAULT, SECRETS, contact, talk

pytestmark = pytest.mark.slow  # real MkDocs builds

CONFIG = """site_name: Home test
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""

TODAY = dt.date.today()


def _site(make_vault, files: dict[str, str]) -> tuple[Path, Path]:
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root, build_site(find_vault(root))


def _article(site: Path) -> str:
    html = (site / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article"):html.index("</article>")]


def test_the_vaults_own_home_keeps_its_text_with_the_dashboard_after_its_title(
        make_vault) -> None:
    soon = (TODAY + dt.timedelta(days=2)).isoformat()
    _, site = _site(make_vault, {
        "index.md": "---\ntitle: My vault\n---\n\n# My vault\n\nMy own words.\n\n## Later\n\n"
                    "More of mine.\n",
        "contacts/Jane Doe.md": contact("Jane Doe"),
        f"interviews/{soon} Jane Doe.md": talk(soon, "Jane Doe", "planned"),
    })
    article = _article(site)
    title, dashboard, words = (article.index("My vault</h1>"), article.index("vault-home"),
                               article.index("My own words."))
    assert title < dashboard < words < article.index("More of mine.")
    assert f"{soon} Jane Doe" in article
    assert "Every dashboard" not in article  # the nav lists them; the note is the user's


def test_a_vault_without_a_home_note_gets_the_generated_home(make_vault) -> None:
    _, site = _site(make_vault, {"contacts/Jane Doe.md": contact("Jane Doe")})
    article = _article(site)
    assert "Your vault</h1>" in article and "vault-home" in article
    assert "Every dashboard" in article and 'href="people/"' in article
    assert "Nothing planned for the next seven days" in article
    # Out of search: the names it lists are found on their own pages.
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Every dashboard" in index and "Nothing planned" not in index


def test_a_private_home_note_leaves_the_generated_home(make_vault) -> None:
    # (README.md: a private note named "index" would make the word a secret of every page.)
    _, site = _site(make_vault, {"README.md": "---\nprivate: true\n---\n\n# Hidden home\n"})
    article = _article(site)
    assert "Your vault</h1>" in article and "Hidden home" not in article


def test_the_built_home_page_holds_nothing_private(make_vault) -> None:
    files = dict(PRIVATE_VAULT)
    day = (TODAY + dt.timedelta(days=2)).isoformat()
    files[f"interviews/{day} Jane Doe.md"] = files.pop("interviews/2026-12-04 Jane Doe.md") \
        .replace("2026-12-04", day)
    _, site = _site(make_vault, files)  # the leak scan passed
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"{day} Jane Doe" in home and "Learn SQL well." in home
    for secret in SECRETS:
        assert secret not in home, secret


def test_the_leak_scan_reads_the_home_page(make_vault, monkeypatch) -> None:
    """Were a section ever to show a private name, the build would fail."""
    real = home_views.recent_insights

    def leaky(view: SiteView, limit: int = home_views.HOME_INSIGHTS) -> list:
        rows = real(view, limit)
        return [home_views.InsightRow(row.interview, row.date, row.people, row.group,
                                      "Zed Secret told me") for row in rows]

    monkeypatch.setattr(home_views, "recent_insights", leaky)
    with pytest.raises(SiteError, match=r"\n  index\.html: contains name .Zed Secret"):
        _site(make_vault, PRIVATE_VAULT)


def test_serve_renders_the_home_again_only_when_what_it_shows_changed(make_vault) -> None:
    soon = (TODAY + dt.timedelta(days=3)).isoformat()
    root = make_vault({
        "index.md": "# Home\n\nHello.\n",
        "contacts/Jane Doe.md": contact("Jane Doe"),
        "companies/Acme.md": "---\ntype: company\n---\n\n# Acme\n",
        f"interviews/{soon} Jane Doe.md": talk(soon, "Jane Doe", "planned"),
    })
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    vault = find_vault(root)
    site = root / "live"
    live = LiveSite(vault, load_site_config(vault, site_dir=str(site)))
    live.build()
    home = site / "index.html"
    before = home.stat().st_mtime_ns
    acme = vault.notes_dir / "companies" / "Acme.md"
    acme.write_text(acme.read_text(encoding="utf-8") + "\nA note about Acme.\n",
                    encoding="utf-8")
    result = live.update(["companies/Acme.md"])
    assert not result.full and home.stat().st_mtime_ns == before  # kept as it was
    talk_note = vault.notes_dir / "interviews" / f"{soon} Jane Doe.md"
    talk_note.write_text(talk_note.read_text(encoding="utf-8").replace(
        "status: planned\n", "status: planned\ncompany: \"[[Acme]]\"\n"), encoding="utf-8")
    result = live.update([f"interviews/{soon} Jane Doe.md"])
    assert not result.full
    html = home.read_text(encoding="utf-8")
    assert re.search(r"with <a [^>]*>Jane Doe</a> at <a [^>]*>Acme</a>", html)
