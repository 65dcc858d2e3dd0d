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

  function init() {
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
