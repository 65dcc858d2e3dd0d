/* vault-tools site: the follow-ups dashboard, grouped by the reader's own date.
 *
 * The page holds every follow-up any day may show (.vault-followups li), with ISO dates in
 * data attributes: data-due (empty when undated), data-from / data-until (the days it shows
 * on, when limited: "prepare" until the conversation, "mark as done or cancelled" after it).
 * This script sorts them into the groups the page lists (Overdue, Today, This week, Later,
 * Undated: the same names as `vault-tools followups`) as of today, so a site built on Monday is
 * right on Friday. Without it, the page shows one list as of the day it was built: the
 * stylesheet of that day (today.css) hides the rows not shown then. Each list this script
 * arranges is marked (data-today; the month's count, data-month), and those rules leave it be.
 *
 * A list may name fewer groups (the home page's: Overdue and Today; This week's conversations:
 * Today and This week): an item of another group is not shown. Its data-summary, when it has
 * one, is what it says of itself ({n} shown, as of {date}). The home page's count of this
 * month's conversations (.vault-home__month, their days in data-dates) is counted here too.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"];

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The reader's local date as YYYY-MM-DD: ISO dates compare as strings.
  function iso(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function addDays(date, days) {
    return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
  }

  function groupOf(due, today, weekEnd) {
    if (!due) {
      return "undated";
    }
    if (due < today) {
      return "overdue";
    }
    if (due === today) {
      return "today";
    }
    return due <= weekEnd ? "week" : "later";
  }

  function arrange(board) {
    var now = new Date();
    var today = iso(now);
    var days = parseInt(board.getAttribute("data-week-days"), 10) || 6;
    var weekEnd = iso(addDays(now, days));
    var sections = {};
    Array.prototype.forEach.call(board.querySelectorAll("[data-group]"), function (section) {
      sections[section.getAttribute("data-group")] = section;
    });
    var items = board.querySelectorAll("li[data-kind]");
    var counts = {};
    var shown = 0;
    Array.prototype.forEach.call(items, function (item) {
      var from = item.getAttribute("data-from");
      var until = item.getAttribute("data-until");
      var key = groupOf(item.getAttribute("data-due"), today, weekEnd);
      var section = sections[key];
      var visible = (!from || from <= today) && (!until || today <= until) && !!section;
      item.hidden = !visible;
      if (section) {
        section.querySelector("ul").appendChild(item); // the page's order is by due date
      }
      if (visible) {
        counts[key] = (counts[key] || 0) + 1;
        shown += 1;
      }
    });
    Object.keys(sections).forEach(function (key) {
      var section = sections[key];
      section.hidden = !counts[key];
      section.querySelector(".vault-followups__count").textContent = "(" + (counts[key] || 0) + ")";
    });
    var all = board.querySelector(".vault-followups__all");
    if (all) {
      all.hidden = true;
    }
    var none = board.querySelector(".vault-followups__none");
    if (none) {
      none.hidden = shown > 0;
    }
    var asof = board.querySelector(".vault-followups__asof");
    if (asof) {
      var date = now.getDate() + " " + MONTHS[now.getMonth()] + " " + now.getFullYear();
      var summary = board.getAttribute("data-summary") || "{n} open, grouped as of today, {date}.";
      asof.textContent = summary.replace("{n}", shown).replace("{date}", date);
      if (board.hasAttribute("data-summary")) {
        asof.hidden = shown === 0; // the list's own "nothing" line says it
      }
    }
    board.setAttribute("data-today", today);
  }

  // The days in data-dates that fall in the reader's month.
  function countMonth(counter) {
    var month = iso(new Date()).slice(0, 7);
    var days = (counter.getAttribute("data-dates") || "").split(" ");
    counter.textContent = days.filter(function (day) {
      return day.slice(0, 7) === month;
    }).length;
    counter.setAttribute("data-month", month);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".vault-followups"), arrange);
    Array.prototype.forEach.call(document.querySelectorAll(".vault-home__month"), countMonth);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material: runs again after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
