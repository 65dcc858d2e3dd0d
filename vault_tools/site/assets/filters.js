/* vault-tools site: filters over a dashboard's tables (People, Timeline, Companies, Careers,
 * Pipeline, Leads).
 *
 * The page names its filters in a marker, <div class="vault-filters" data-filters="company tag
 * quiet" data-label-company="Company" ...>, and each row it filters opens its first cell with
 * an empty <span class="vault-row" data-company="Acme" data-tag="a&#10;b" data-touch="ISO">:
 * one value a line, from public notes only. This script turns the marker into a form: a
 * select of the values the rows hold for each filter, and for "quiet" a number of days
 * counted from each row's data-touch to the reader's own date (the page holds no build date,
 * so a site built on Monday is right on Friday). The choices live in the URL's query string
 * (?company=Acme&quiet=30), so a filtered view can be bookmarked and survives a reload.
 * Without the script the marker stays empty and every row shows.
 */
(function () {
  "use strict";

  var QUIET = "quiet";

  function fold(text) {
    return text.toLocaleLowerCase();
  }

  function valuesOf(row, key) {
    var text = row.getAttribute("data-" + key);
    return text ? text.split("\n") : [];
  }

  // Days from an ISO date to the reader's date, as the Pipeline page counts them (vault.js).
  function daysSince(iso, today) {
    var parts = iso.split("-");
    var day = new Date(0);
    day.setUTCFullYear(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
    return Math.round((today - day.getTime()) / 864e5);
  }

  function readerToday() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  // The values of `key` the rows hold, each once whatever its case (the first spelling),
  // with how many rows hold it, by name. Kept in objects with no prototype: a value is a
  // note's word, and "constructor" or "__proto__" would otherwise read as already there.
  function choices(rows, key) {
    var found = Object.create(null);
    rows.forEach(function (row) {
      var seen = Object.create(null);
      valuesOf(row.data, key).forEach(function (value) {
        var folded = fold(value);
        if (seen[folded]) {
          return;
        }
        seen[folded] = true;
        if (!found[folded]) {
          found[folded] = { value: value, count: 0 };
        }
        found[folded].count += 1;
      });
    });
    return Object.keys(found).map(function (folded) {
      return found[folded];
    }).sort(function (a, b) {
      return a.value.localeCompare(b.value, undefined, { numeric: true, sensitivity: "base" });
    });
  }

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function field(className, labelText, control, after) {
    var label = document.createElement("label");
    label.className = "vault-filters__field " + className;
    var words = document.createElement("span");
    words.className = "vault-filters__label";
    words.textContent = labelText;
    label.appendChild(words);
    var holder = document.createElement("span");
    holder.className = "vault-filters__control";
    holder.appendChild(control);
    if (after) {
      holder.appendChild(document.createTextNode(" " + after));
    }
    label.appendChild(holder);
    return label;
  }

  function selectFor(key, label, rows, wanted) {
    var found = choices(rows, key);
    if (!found.length && !wanted) {
      return null; // no row holds a value: nothing to choose
    }
    var select = document.createElement("select");
    select.id = "vault-filter-" + key;
    select.name = key;
    select.appendChild(option("", "All"));
    found.forEach(function (choice) {
      select.appendChild(option(choice.value, choice.value + " (" + choice.count + ")"));
    });
    if (wanted) {
      // A bookmarked choice no row holds any more: kept, so it shows and can be cleared.
      var known = found.some(function (choice) {
        return fold(choice.value) === fold(wanted);
      });
      if (!known) {
        select.appendChild(option(wanted, wanted + " (0)"));
      }
      Array.prototype.forEach.call(select.options, function (item) {
        if (item.value && fold(item.value) === fold(wanted)) {
          select.value = item.value;
        }
      });
    }
    return field("vault-filters__field--" + key, label, select);
  }

  function quietInput(label, wanted) {
    var input = document.createElement("input");
    input.type = "number";
    input.id = "vault-filter-" + QUIET;
    input.name = QUIET;
    input.min = "0";
    input.step = "1";
    input.inputMode = "numeric";
    input.value = /^\d+$/.test(wanted || "") ? wanted : "";
    return field("vault-filters__field--quiet", label, input, "days");
  }

  // The section of one table: what to hide when none of its rows is shown (the table, as the
  // theme wrapped it, and the heading just above it and its markers).
  function sectionOf(table) {
    var wrap = table.closest(".md-typeset__scrollwrap") || table;
    var parts = [wrap];
    var before = wrap.previousElementSibling;
    while (before && (before.classList.contains("vault-sortable") ||
                      before.classList.contains("vault-filters"))) {
      before = before.previousElementSibling;
    }
    if (before && /^H[2-6]$/.test(before.tagName)) {
      parts.push(before);
    }
    return parts;
  }

  function setUp(marker) {
    if (marker.getAttribute("data-vault-ready")) {
      return;
    }
    marker.setAttribute("data-vault-ready", "yes");
    var rows = Array.prototype.map.call(document.querySelectorAll("tr .vault-row"),
      function (data) {
        return { data: data, row: data.closest("tr") };
      }).filter(function (item) {
        return item.row;
      });
    if (!rows.length) {
      return;
    }
    var tables = [];
    rows.forEach(function (item) {
      var table = item.row.closest("table");
      if (tables.indexOf(table) < 0) {
        tables.push(table);
      }
    });
    var params = new URLSearchParams(window.location.search);
    var form = document.createElement("form");
    form.className = "vault-filters__form";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the rows");
    var controls = {};
    (marker.getAttribute("data-filters") || "").split(" ").forEach(function (key) {
      if (!/^[a-z-]+$/.test(key)) {
        return;
      }
      var label = marker.getAttribute("data-label-" + key) || key;
      var made = key === QUIET ? quietInput(label, params.get(key))
        : selectFor(key, label, rows, params.get(key));
      if (made) {
        controls[key] = made.querySelector("select, input");
        form.appendChild(made);
      }
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "vault-filters__clear md-button";
    clear.textContent = "Clear filters";
    form.appendChild(clear);
    // Folded away on a phone unless a filter is on: the rows come first there.
    var panel = document.createElement("details");
    panel.className = "vault-filters__panel";
    var summary = document.createElement("summary");
    summary.textContent = "Filters";
    var active = document.createElement("span");
    active.className = "vault-filters__active";
    summary.appendChild(active);
    panel.appendChild(summary);
    panel.appendChild(form);
    var count = document.createElement("p");
    count.className = "vault-filters__count";
    count.setAttribute("role", "status");
    marker.appendChild(panel);
    marker.appendChild(count);

    function chosen() {
      var out = {};
      Object.keys(controls).forEach(function (key) {
        var value = controls[key].value;
        if (key === QUIET ? /^\d+$/.test(value) : value !== "") {
          out[key] = value;
        }
      });
      return out;
    }

    function matches(data, wanted, today) {
      return Object.keys(wanted).every(function (key) {
        if (key === QUIET) {
          // Never touched is quiet too; a touch later than today is no quiet at all.
          var touch = data.getAttribute("data-touch");
          return !touch || daysSince(touch, today) > Number(wanted[key]);
        }
        var target = fold(wanted[key]);
        return valuesOf(data, key).some(function (value) {
          return fold(value) === target;
        });
      });
    }

    function remember(wanted) {
      var query = new URLSearchParams(window.location.search);
      Object.keys(controls).forEach(function (key) {
        if (wanted[key] !== undefined) {
          query.set(key, wanted[key]);
        } else {
          query.delete(key);
        }
      });
      // The page's own URL with the new query: a path put back as text would name a host
      // when it starts with "//".
      var url = new URL(window.location.href);
      url.search = query.toString();
      window.history.replaceState(window.history.state, "", url.href);
    }

    function apply(save) {
      var wanted = chosen();
      var today = readerToday();
      var shown = 0;
      rows.forEach(function (item) {
        var visible = matches(item.data, wanted, today);
        item.row.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      if (tables.length > 1) {
        tables.forEach(function (table) {
          var any = Array.prototype.some.call(table.tBodies[0].rows, function (row) {
            return !row.hidden;
          });
          sectionOf(table).forEach(function (part) {
            part.hidden = !any;
          });
        });
      }
      var on = Object.keys(wanted).length;
      count.textContent = shown + " of " + rows.length + " shown";
      active.textContent = on ? " (" + on + " on)" : "";
      clear.disabled = on === 0;
      marker.setAttribute("data-shown", String(shown));
      if (save) {
        remember(wanted);
      }
    }

    form.addEventListener("change", function () {
      apply(true);
    });
    form.addEventListener("input", function () {
      apply(true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault(); // Enter in the days box: already applied
    });
    clear.addEventListener("click", function () {
      Object.keys(controls).forEach(function (key) {
        controls[key].value = "";
      });
      apply(true);
      var first = form.querySelector("select, input");
      if (first) {
        first.focus(); // the button is disabled now: keep the keyboard in the form
      }
    });
    apply(false);
    panel.open = !window.matchMedia("(max-width: 600px)").matches ||
      Object.keys(chosen()).length > 0;
  }

  function init() {
    var marker = document.querySelector(".vault-filters");
    if (marker) {
      setUp(marker);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material: runs again after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
