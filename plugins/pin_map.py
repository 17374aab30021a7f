"""A small map with one pin, on the page of a place and of an event.

A `.pin-map` element carries its point, zoom and name in data- attributes; this
script draws it with the Leaflet that datasette-cluster-map bundles, and the tile
layer configured for datasette-cluster-map, so self-hosted tiles apply here too.
"""

import json

from datasette import hookimpl

PIN_TABLES = ("entities", "event_clusters")
TILE_LAYER = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_LAYER_OPTIONS = {
    "maxZoom": 19,
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}
ZOOM = {"country": 5, "region": 7}  # any finer precision: 10

PIN_SCRIPT = """
document.addEventListener("DOMContentLoaded", () => {
  const maps = document.querySelectorAll(".pin-map");
  if (!maps.length || !window.datasette || !datasette.leaflet) return;
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = datasette.leaflet.CSS_URL;
  document.head.appendChild(css);
  import(datasette.leaflet.JAVASCRIPT_URL).then(() => {
    for (const el of maps) {
      const point = [parseFloat(el.dataset.latitude), parseFloat(el.dataset.longitude)];
      const map = L.map(el).setView(point, parseInt(el.dataset.zoom, 10));
      L.tileLayer(el.dataset.tileLayer, JSON.parse(el.dataset.tileLayerOptions)).addTo(map);
      L.marker(point, {title: el.dataset.name}).addTo(map);
    }
  });
});
"""


@hookimpl
def extra_template_vars(view_name, table, database, datasette):
    if view_name != "row" or table not in PIN_TABLES:
        return {}
    config = datasette.plugin_config("datasette-cluster-map", database=database, table=table) or {}
    return {"pin_map": {
        "tile_layer": config.get("tile_layer") or TILE_LAYER,
        "tile_layer_options": json.dumps(config.get("tile_layer_options") or TILE_LAYER_OPTIONS),
        "zoom": ZOOM,
    }}


@hookimpl
def extra_body_script(view_name, table):
    if view_name == "row" and table in PIN_TABLES:
        return PIN_SCRIPT
    return None
