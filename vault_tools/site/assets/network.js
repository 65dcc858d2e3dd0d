/* vault-tools site: the network page, drawn with the vendored Cytoscape.js. */
(function () {
  "use strict";

  function draw() {
    var container = document.getElementById("vault-network");
    var data = window.vaultNetwork;
    if (!container || !data || typeof window.cytoscape !== "function") {
      return;
    }
    var elements = [];
    data.nodes.forEach(function (node) {
      elements.push({ group: "nodes", data: {
        id: node.id, label: node.label, kind: node.kind, url: node.url,
        size: 18 + 6 * Math.min(node.degree, 8)
      } });
    });
    data.edges.forEach(function (edge, index) {
      elements.push({ group: "edges", data: {
        id: "e" + index, source: edge.source, target: edge.target, kind: edge.kind
      } });
    });
    var ink = window.getComputedStyle(container).color || "#333";
    var big = data.nodes.length > 400;
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      minZoom: 0.05,
      maxZoom: 4,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 10, "color": ink,
          "text-valign": "bottom", "text-margin-y": 3,
          "width": "data(size)", "height": "data(size)"
        } },
        { selector: "node[kind = 'contact']", style: { "background-color": "#3f51b5" } },
        { selector: "node[kind = 'company']", style: {
          "background-color": "#ff9800", "shape": "round-rectangle"
        } },
        { selector: "edge", style: {
          "width": 1.5, "curve-style": "bezier", "line-color": "#3f51b5",
          "target-arrow-color": "#3f51b5", "target-arrow-shape": "triangle", "opacity": 0.7
        } },
        { selector: "edge[kind = 'works-at']", style: {
          "line-style": "dashed", "line-color": "#9e9e9e", "target-arrow-shape": "none"
        } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#e91e63" } }
      ],
      layout: big
        ? { name: "concentric", animate: false, concentric: function (n) { return n.degree(); } }
        : { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000,
            idealEdgeLength: 70 }
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) {
        window.location.href = url;
      }
    });
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
