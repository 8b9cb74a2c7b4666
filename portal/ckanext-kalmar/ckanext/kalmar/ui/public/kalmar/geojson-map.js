/* The geojson_map view: draws a GeoJSON file with Leaflet (vendored, see portal/README.md) and lists every
 * feature's properties, in a popup on the map and in a table below it. Points are drawn as circles so no
 * marker images are needed; the map fits the features' extent. */
(function () {
  "use strict";

  function text(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "ja" : "nej";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function propertyTable(properties) {
    var table = document.createElement("table");
    Object.keys(properties || {}).forEach(function (key) {
      var row = table.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = key;
      row.appendChild(th);
      row.insertCell().textContent = text(properties[key]);
    });
    return table;
  }

  function featureTable(features) {
    var keys = [];
    features.forEach(function (f) {
      Object.keys(f.properties || {}).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    });
    var table = document.createElement("table");
    table.className = "table table-striped table-bordered table-condensed";
    var caption = table.createCaption();
    caption.className = "visually-hidden";
    caption.textContent = "Egenskaper för varje objekt på kartan";
    var head = table.createTHead().insertRow();
    ["Objekt", "Geometri"].concat(keys).forEach(function (k) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = k;
      head.appendChild(th);
    });
    var body = table.createTBody();
    features.forEach(function (f, i) {
      var row = body.insertRow();
      row.insertCell().textContent = String(i + 1);
      row.insertCell().textContent = f.geometry ? f.geometry.type : "";
      keys.forEach(function (k) { row.insertCell().textContent = text((f.properties || {})[k]); });
    });
    return table;
  }

  function draw(container) {
    var status = container.querySelector(".kalmar-map-status");
    var map = L.map(container.getAttribute("data-map-id"), { zoomControl: false });
    L.control.zoom({ zoomInTitle: "Zooma in", zoomOutTitle: "Zooma ut" }).addTo(map);
    var tiles = container.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: container.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    }
    fetch(container.getAttribute("data-geojson-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (doc) {
        var features = doc.type === "FeatureCollection" ? doc.features : [doc];
        var layer = L.geoJSON(doc, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 7, weight: 2, color: "#005a8c", fillColor: "#2b8ccb", fillOpacity: 0.8 });
          },
          style: function () { return { color: "#005a8c", weight: 2, fillOpacity: 0.3 }; },
          onEachFeature: function (feature, featureLayer) {
            var popup = document.createElement("div");
            popup.className = "kalmar-popup";
            popup.appendChild(propertyTable(feature.properties));
            featureLayer.bindPopup(popup);
          }
        }).addTo(map);
        if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });
        container.querySelector(".kalmar-map-table .table-responsive").appendChild(featureTable(features));
        status.textContent = features.length + " objekt på kartan.";
        container.setAttribute("data-features", String(features.length));
      })
      .catch(function (error) {
        status.textContent = "Kartan kunde inte visas: GeoJSON-filen gick inte att läsa (" + error.message + ").";
        container.setAttribute("data-error", error.message);
      });
  }

  document.querySelectorAll(".kalmar-map-view").forEach(draw);
})();
