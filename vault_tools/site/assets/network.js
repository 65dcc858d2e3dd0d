/* vault-tools site: the network page, drawn with the vendored Cytoscape.js.
 *
 * Positions come with the data (computed at build time: vault_tools/site/graph_layout.py), so
 * the same vault draws the same picture on every load; this script only draws them, keeps
 * labels from overlapping, highlights a node's neighbourhood and applies the filters. Names
 * reach the page as text only (textContent, option.text): never as HTML. */
(function () {
  "use strict";

  // Labels keep one size on screen whatever the zoom (as on a map), so they stay readable
  // on a phone showing the whole graph; which of them fit without overlapping is decided
  // after each zoom or pan (placeLabels).
  var FONT = 13;          // px on screen
  var LABEL_WIDTH = 160;  // px on screen: a longer name ends in an ellipsis

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function draw() {
    var container = document.getElementById("vault-network");
    var data = window.vaultNetwork;
    if (!container || !data || typeof window.cytoscape !== "function") {
      return;
    }
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = "10px sans-serif";
    var elements = [];
    data.nodes.forEach(function (node) {
      var degree = node.degree;
      elements.push({ group: "nodes", position: { x: node.x, y: node.y }, data: {
        id: node.id, label: node.label, kind: node.kind, url: node.url,
        careers: node.careers || [], degree: degree,
        placeholder: node.id.indexOf("placeholder:") === 0 ? 1 : 0,
        // The label's width at 1 px of font, for the overlap check.
        em: measure.measureText(node.label).width / 10
      } });
    });
    data.edges.forEach(function (edge, index) {
      elements.push({ group: "edges", data: {
        id: "e" + index, source: edge.source, target: edge.target, kind: edge.kind
      } });
    });
    var style = window.getComputedStyle(container);
    var ink = style.color || "#333";
    var paper = style.backgroundColor;
    if (!paper || paper === "rgba(0, 0, 0, 0)" || paper === "transparent") {
      paper = window.getComputedStyle(document.body).backgroundColor || "#fff";
    }
    // The style sheet for one zoom: sizes are given in model px, so a label of FONT px on
    // screen is FONT / zoom. Plain values and mappers only: a function-valued style is asked
    // again for every node on every restyle, which made 2,000 nodes take seconds longer.
    var MIN_NODE = 14;  // px on screen: never smaller than a fingertip can find
    function sheet(zoom) {
      var scale = 1 / zoom;
      // Never smaller than a fingertip can find, unless that would make neighbours one blob
      // (a whole large graph on a phone: then dots).
      var small = Math.max(18, Math.max(3, Math.min(MIN_NODE, 60 * zoom)) * scale);
      return [
        { selector: "node", style: {
          "label": "data(label)", "font-size": FONT * scale, "color": ink,
          "text-valign": "bottom", "text-margin-y": 3 * scale,
          "text-wrap": "ellipsis", "text-max-width": LABEL_WIDTH * scale,
          "text-outline-color": paper, "text-outline-width": 2 * scale,
          "width": "mapData(degree, 0, 8, " + small + ", " + Math.max(58, small) + ")",
          "height": "mapData(degree, 0, 8, " + small + ", " + Math.max(58, small) + ")",
          "background-color": "#3f51b5"
        } },
        { selector: "node[kind = 'company']", style: {
          "background-color": "#ff9800", "shape": "round-rectangle"
        } },
        { selector: "node[placeholder = 1]", style: {
          "background-color": paper, "border-width": 3, "border-color": "#ff9800"
        } },
        // Straight lines: no two nodes have two edges between them, and they draw faster.
        { selector: "edge", style: {
          "width": 1.5, "curve-style": "straight", "line-color": "#3f51b5",
          "target-arrow-color": "#3f51b5", "target-arrow-shape": "triangle",
          "arrow-scale": 1.4, "opacity": 0.75
        } },
        { selector: "edge[kind = 'works-at']", style: {
          "line-style": "dashed", "line-color": "#9e9e9e", "target-arrow-shape": "none"
        } },
        { selector: ".vault-nolabel", style: { "label": "" } },
        { selector: ".vault-faded", style: { "opacity": 0.12, "label": "" } },
        { selector: "node.vault-near, node.vault-hover", style: {
          "label": "data(label)", "z-index": 10
        } },
        { selector: "edge.vault-near", style: { "width": 3, "opacity": 1 } },
        { selector: "node.vault-focus", style: { "border-width": 4, "border-color": "#e91e63" } },
        { selector: ".vault-off", style: { "display": "none" } }
      ];
    }
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 30 },
      minZoom: 0.002,  // the whole of a 5,000-note graph fits in a phone's view
      maxZoom: 4,
      boxSelectionEnabled: false,
      style: sheet(1)
    });
    var styledFor = 1;  // the zoom the style sheet was written for
    // Label priority: the focused neighbourhood, then busier nodes, then by name.
    var ranked = cy.nodes().sort(function (a, b) {
      return (b.data("degree") - a.data("degree")) ||
        (a.data("label") < b.data("label") ? -1 : a.data("label") > b.data("label") ? 1 : 0);
    });

    /* Labels: hide every label that would overlap one already placed (greedy, busiest first,
     * only within the view, on a grid of cells so each check looks at a few boxes). */
    function placeLabels() {
      var zoom = cy.zoom();
      if (Math.abs(styledFor / zoom - 1) > 1e-6) {
        styledFor = zoom;
        cy.style().fromJson(sheet(zoom)).update();
      }
      var width = container.clientWidth;
      var height = container.clientHeight;
      var cell = 80;
      var grid = {};
      var hide = [];
      var show = [];
      function cellsOf(box) {
        var keys = [];
        for (var cx = Math.floor(box[0] / cell); cx <= Math.floor(box[2] / cell); cx++) {
          for (var cy2 = Math.floor(box[1] / cell); cy2 <= Math.floor(box[3] / cell); cy2++) {
            keys.push(cx + ":" + cy2);
          }
        }
        return keys;
      }
      // The nodes in view first: a label is not drawn over another node either.
      cy.nodes(":visible").forEach(function (node) {
        var p = node.renderedPosition();
        if (p.x < -200 || p.y < -200 || p.x > width + 200 || p.y > height + 200) {
          return;
        }
        var half = node.renderedHeight() / 2;
        var box = [p.x - half, p.y - half, p.x + half, p.y + half];
        cellsOf(box).forEach(function (key) { (grid[key] = grid[key] || []).push(box); });
      });
      var near = cy.nodes(".vault-near");
      var order = near.union(ranked.difference(near));
      order.forEach(function (node) {
        if (node.hasClass("vault-off") || node.hasClass("vault-faded")) {
          return;
        }
        var font = FONT;
        var p = node.renderedPosition();
        if (p.x < -200 || p.y < -200 || p.x > width + 200 || p.y > height + 200) {
          return;  // out of view: the pass after the next pan decides
        }
        var w = Math.min(node.data("em") * font, LABEL_WIDTH) + 4;
        var top = p.y + node.renderedHeight() / 2 + 3;
        var box = [p.x - w / 2, top, p.x + w / 2, top + font * 1.3];
        var clear = node.hasClass("vault-near");
        if (!clear && (box[0] < 0 || box[2] > width || box[3] > height)) {
          hide.push(node);  // a name cut by the frame reads as another name
          return;
        }
        var cells = cellsOf(box);
        if (!clear) {
          clear = cells.every(function (key) {
            return (grid[key] || []).every(function (other) {
              return box[2] < other[0] || other[2] < box[0] ||
                box[3] < other[1] || other[3] < box[1];
            });
          });
        }
        if (clear) {
          cells.forEach(function (key) { (grid[key] = grid[key] || []).push(box); });
          show.push(node);
        } else {
          hide.push(node);
        }
      });
      // Only the labels whose state changed: every class change restyles its node.
      cy.batch(function () {
        show.forEach(function (node) {
          if (node.hasClass("vault-nolabel")) { node.removeClass("vault-nolabel"); }
        });
        hide.forEach(function (node) {
          if (!node.hasClass("vault-nolabel")) { node.addClass("vault-nolabel"); }
        });
      });
    }
    // Once a zoom or pan has settled: restyling 5,000 nodes on every frame of a pinch would
    // make it stutter.
    var pending = 0;
    function schedule() {
      window.clearTimeout(pending);
      pending = window.setTimeout(placeLabels, 90);
    }
    cy.on("viewport resize", schedule);

    /* Highlighting a node's neighbourhood: it, its connections and their edges; the rest fades. */
    var panel = document.getElementById("vault-graph-about");
    var form = document.getElementById("vault-graph-filters");
    var focusSelect = form ? form.elements.namedItem("focus") : null;

    function names(collection) {
      return collection.map(function (n) { return n.data("label"); })
        .sort(function (a, b) { return a.localeCompare(b); }).join(", ");
    }

    function describe(node) {
      if (!panel) {
        return;
      }
      panel.textContent = "";
      if (!node) {
        return;
      }
      panel.appendChild(el("strong", node.data("label")));
      var parts = [];
      var by = node.incomers("edge[kind = 'introduced']").sources(":visible");
      var introduced = node.outgoers("edge[kind = 'introduced']").targets(":visible");
      var at = node.outgoers("edge[kind = 'works-at']").targets(":visible");
      var staff = node.incomers("edge[kind = 'works-at']").sources(":visible");
      if (by.length) { parts.push("introduced by " + names(by)); }
      if (introduced.length) { parts.push("introduced " + names(introduced)); }
      if (at.length) { parts.push("works at " + names(at)); }
      if (staff.length) { parts.push("people: " + names(staff)); }
      panel.appendChild(document.createTextNode(
        ": " + (parts.join("; ") || "no connections shown") + ". "));
      if (node.data("url")) {
        var link = el("a", "Open the note");
        link.href = node.data("url");
        panel.appendChild(link);
      }
    }

    var focused = null;
    function focus(node) {
      focused = node && node.length ? node : null;
      cy.batch(function () {
        cy.elements(".vault-faded, .vault-near, .vault-focus")
          .removeClass("vault-faded vault-near vault-focus");
        if (focused) {
          var hood = focused.closedNeighborhood().filter(":visible");
          cy.elements().difference(hood).addClass("vault-faded");
          hood.addClass("vault-near");
          focused.addClass("vault-focus");
        }
      });
      container.setAttribute("data-focus", focused ? focused.id() : "");
      if (focusSelect) {
        focusSelect.value = focused ? focused.id() : "";
      }
      describe(focused);
      placeLabels();
    }

    cy.on("tap", "node", function (event) {
      focus(event.target);
      saveState();
    });
    cy.on("tap", function (event) {
      if (event.target === cy) {
        focus(null);
        saveState();
      }
    });
    // A label hidden to avoid an overlap shows while the pointer is on its node.
    cy.on("mouseover", "node", function (event) { event.target.addClass("vault-hover"); });
    cy.on("mouseout", "node", function (event) { event.target.removeClass("vault-hover"); });
    cy.on("dbltap", "node", function (event) {
      var url = event.target.data("url");
      if (url) {
        window.location.href = url;
      }
    });

    /* Filters: each picks people; the graph shows the people every chosen filter picks and
     * the organisations they work at. The list below the graph follows. */
    function chainOf(id) {
      var keep = {};
      var start = cy.getElementById(id);
      if (!start.length) {
        return keep;
      }
      keep[id] = true;
      var up = start;
      for (;;) {  // the introducers above, to the first (a cycle stops where it began)
        up = up.incomers("edge[kind = 'introduced']").sources();
        up = up.filter(function (n) { return !keep[n.id()]; });
        if (!up.length) { break; }
        up.forEach(function (n) { keep[n.id()] = true; });
      }
      var queue = [start];
      while (queue.length) {  // everyone introduced through them, however far down
        queue.shift().outgoers("edge[kind = 'introduced']").targets().forEach(function (n) {
          if (!keep[n.id()]) {
            keep[n.id()] = true;
            queue.push(n);
          }
        });
      }
      return keep;
    }

    var status = document.getElementById("vault-graph-status");
    var listItems = Array.prototype.slice.call(
      document.querySelectorAll("#vault-connections li[data-edge]"));

    function chosen(name) {
      var field = form ? form.elements.namedItem(name) : null;
      return field ? field.value : "";
    }

    function applyFilters(fit) {
      var career = chosen("career");
      var company = chosen("company");
      var chain = chosen("chain");
      var any = career || company || chain;
      var inChain = chain ? chainOf(chain) : null;
      var shown = {};
      (any ? cy.nodes("[kind = 'contact']") : cy.collection()).forEach(function (person) {
        if (career && person.data("careers").indexOf(career) < 0) { return; }
        if (inChain && !inChain[person.id()]) { return; }
        var at = person.outgoers("edge[kind = 'works-at']").targets();
        if (company && !at.some(function (c) { return c.id() === company; })) { return; }
        shown[person.id()] = true;
        at.forEach(function (c) { shown[c.id()] = true; });
      });
      cy.batch(function () {
        cy.nodes().forEach(function (node) {
          var off = !!any && !shown[node.id()];
          if (off !== node.hasClass("vault-off")) {
            node.toggleClass("vault-off", off);
          }
        });
      });
      listItems.forEach(function (item) {
        var edge = data.edges[Number(item.getAttribute("data-edge"))];
        item.hidden = !!any && !(edge && shown[edge.source] && shown[edge.target]);
      });
      var visible = cy.nodes(":visible");
      if (status) {
        status.textContent = any
          ? "Showing " + visible.length + " of " + cy.nodes().length +
            " people and organisations."
          : "";
      }
      container.setAttribute("data-visible", String(visible.length));
      if (focused && focused.hasClass("vault-off")) {
        focused = null;
      }
      focus(focused);
      if (fit && visible.length) {
        cy.fit(visible, 30);
      }
    }

    /* The filters and the highlighted node live in the URL's query, so a view can be
     * bookmarked and survives a reload. */
    var FIELDS = ["career", "company", "chain", "focus"];
    function saveState() {
      if (!form || !window.history.replaceState) {
        return;
      }
      var query = new URLSearchParams(window.location.search);
      FIELDS.forEach(function (name) {
        var value = name === "focus" ? (focused ? focused.id() : "") : chosen(name);
        if (value) { query.set(name, value); } else { query.delete(name); }
      });
      // The page's own URL with the new query: a path put back as text would name a host
      // when it starts with "//".
      var url = new URL(window.location.href);
      url.search = query.toString();
      window.history.replaceState(null, "", url.href);
    }

    if (form) {
      if (focusSelect) {
        var everyone = data.nodes.slice().sort(function (a, b) {
          return a.label.localeCompare(b.label) || (a.id < b.id ? -1 : 1);
        });
        everyone.forEach(function (node) {
          var option = el("option", node.label);
          option.value = node.id;
          focusSelect.appendChild(option);
        });
        focusSelect.addEventListener("change", function () {
          var node = focusSelect.value ? cy.getElementById(focusSelect.value) : null;
          focus(node);
          if (focused) {
            cy.fit(focused.closedNeighborhood().filter(":visible"), 60);
            if (cy.zoom() > 1.5) { cy.zoom({ level: 1.5, position: focused.position() }); }
          }
          saveState();
        });
      }
      ["career", "company", "chain"].forEach(function (name) {
        form.elements.namedItem(name).addEventListener("change", function () {
          applyFilters(true);
          saveState();
        });
      });
      form.addEventListener("reset", function () {
        window.setTimeout(function () {  // after the form has cleared its fields
          focused = null;
          applyFilters(true);
          saveState();
        }, 0);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      var query = new URLSearchParams(window.location.search);
      ["career", "company", "chain"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        var value = query.get(name);
        if (value && Array.prototype.some.call(field.options, function (o) {
          return o.value === value;
        })) {
          field.value = value;
        }
      });
      var wanted = query.get("focus");
      focused = wanted && cy.getElementById(wanted).length ? cy.getElementById(wanted) : null;
      form.hidden = false;
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && focused) {
        focus(null);
        saveState();
      }
    });
    applyFilters(!!(form && (chosen("career") || chosen("company") || chosen("chain"))));

    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
    window.vaultCy = cy;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
