/* vault-tools site: sortable dashboard tables (a table after a .vault-sortable marker). */
(function () {
  "use strict";

  var EMPTY = "\u2014";

  function text(row, column) {
    var cell = row.cells[column];
    return cell ? cell.textContent.trim() : "";
  }

  function compare(a, b) {
    var na = Number(a.replace(/^\+/, ""));
    var nb = Number(b.replace(/^\+/, ""));
    if (a !== "" && b !== "" && !isNaN(na) && !isNaN(nb)) {
      return na - nb;
    }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, column) {
    var body = table.tBodies[0];
    if (!body) {
      return;
    }
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = text(x, column);
      var b = text(y, column);
      var emptyA = a === "" || a === EMPTY;
      var emptyB = b === "" || b === EMPTY;
      if (emptyA || emptyB) {
        return emptyA === emptyB ? 0 : emptyA ? 1 : -1; // empty cells stay last
      }
      return ascending ? compare(a, b) : compare(b, a);
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  function makeSortable(table) {
    if (!table || !table.tHead || table.dataset.vaultSortable) {
      return;
    }
    table.dataset.vaultSortable = "yes";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      header.classList.add("vault-sort");
      header.setAttribute("tabindex", "0");
      header.setAttribute("role", "button");
      header.addEventListener("click", function () {
        sortBy(table, header, column);
      });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, header, column);
        }
      });
    });
  }

  // The Pipeline page: days in stage, counted from each row's ISO `data-since` to the reader's
  // date (the page holds no build date, so it is right on any day), and the rows quiet for more
  // than `data-stale-after` days since `data-quiet-since` (the later of the day the stage began
  // and the last touch: `network.is_stale`) flagged as stale.
  function isoDay(text) {
    var parts = (text || "").split("-");
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999, so a year typed
    // short ("0026") would count from 1926 here and from year 26 in the pipeline command.
    var day = new Date(0);
    day.setUTCFullYear(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
    return day.getTime();
  }

  function countDays() {
    var now = new Date();
    var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    function daysSince(text) {
      return Math.round((today - isoDay(text)) / 864e5);
    }
    var cells = document.querySelectorAll(".vault-days");
    Array.prototype.forEach.call(cells, function (cell) {
      var row = cell.closest("tr");
      if (!row || row.hasAttribute("data-vault-counted")) {
        return;
      }
      row.setAttribute("data-vault-counted", "yes");
      var since = cell.getAttribute("data-since");
      var days = since ? daysSince(since) : NaN;
      if (!isNaN(days)) {
        cell.textContent = String(Math.max(0, days));
      }
      var limit = cell.getAttribute("data-stale-after");
      var quiet = daysSince(cell.getAttribute("data-quiet-since"));
      if (limit !== null && !isNaN(quiet) && quiet > Number(limit)) {
        row.classList.add("vault-stale");
        var badge = document.createElement("span");
        badge.className = "vault-stale-badge";
        badge.title = "Quiet for more than " + limit + " days";
        badge.textContent = "stale";
        cell.appendChild(document.createTextNode(" "));
        cell.appendChild(badge);
      }
    });
  }

  function init() {
    countDays();
    var markers = document.querySelectorAll(".vault-sortable");
    Array.prototype.forEach.call(markers, function (marker) {
      var next = marker.nextElementSibling;
      while (next && next.tagName !== "TABLE" && !next.querySelector("table")) {
        next = next.nextElementSibling;
      }
      if (next) {
        makeSortable(next.tagName === "TABLE" ? next : next.querySelector("table"));
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material: runs again after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
