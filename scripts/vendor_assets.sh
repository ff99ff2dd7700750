#!/usr/bin/env bash
# Re-fetch the vendored web assets in backend/common/static/vendor/ from the npm registry.
#
# The files are committed, so a fresh clone needs neither npm nor internet. Maintainers run this
# only to upgrade: bump a version below, run it, update vendor/README.md and the URL map in
# backend/analytics/maps/offline.py, then run the map tests.
#
# Usage: scripts/vendor_assets.sh            (run from anywhere; needs npm and the project venv)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/backend/common/static/vendor"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"

LEAFLET=1.9.4
LEAFLET_DRAW=1.0.4
LEAFLET_HEAT=0.2.0
JQUERY=3.7.1
BOOTSTRAP=5.2.2
AWESOME_MARKERS=2.0.5
FONTAWESOME=6.2.0
D3=3.5.5
OL=7.2.2
CHARTJS=4.5.1
MARKERCLUSTER=1.5.3
PMTILES=4.3.0
PROTOMAPS_LEAFLET=5.1.0

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Unpack one npm tarball into $WORK/<name>/package and print that directory.
unpack() {
    local spec="$1" dir="$WORK/$2"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
    echo "$dir/package"
}

# Copy files from a package into a vendor subdirectory, keeping the relative path given.
copy() {
    local src="$1" sub="$2"
    shift 2
    mkdir -p "$DEST/$sub"
    for rel in "$@"; do
        mkdir -p "$DEST/$sub/$(dirname "$rel")"
        cp "$src/$rel" "$DEST/$sub/$rel"
    done
}

# Flatten dist/... paths: copy "$src/$from" to "$DEST/$sub/$to".
copy_as() {
    local src="$1" sub="$2" from="$3" to="$4"
    mkdir -p "$DEST/$sub/$(dirname "$to")"
    cp "$src/$from" "$DEST/$sub/$to"
}

rm -rf "$DEST"/{leaflet,leaflet-draw,leaflet.heat,jquery,bootstrap,leaflet.awesome-markers,fontawesome,d3,ol,folium}
rm -rf "$DEST"/{chartjs,leaflet.markercluster,pmtiles,protomaps-leaflet}
mkdir -p "$DEST"

p="$(unpack "leaflet@$LEAFLET" leaflet)"
copy "$p/dist" leaflet leaflet.js leaflet.css images/layers.png images/layers-2x.png \
    images/marker-icon.png images/marker-icon-2x.png images/marker-shadow.png
copy "$p" leaflet LICENSE

p="$(unpack "leaflet-draw@$LEAFLET_DRAW" leaflet-draw)"
copy "$p/dist" leaflet-draw leaflet.draw.js leaflet.draw.css images/spritesheet.png \
    images/spritesheet-2x.png images/spritesheet.svg
# The npm tarball has no LICENSE file (MIT, stated in package.json and the leaflet.draw.js header).

p="$(unpack "leaflet.heat@$LEAFLET_HEAT" leaflet.heat)"
copy "$p/dist" leaflet.heat leaflet-heat.js
copy "$p" leaflet.heat LICENSE

p="$(unpack "jquery@$JQUERY" jquery)"
copy "$p/dist" jquery jquery.min.js
copy "$p" jquery LICENSE.txt

p="$(unpack "bootstrap@$BOOTSTRAP" bootstrap)"
copy_as "$p" bootstrap dist/js/bootstrap.bundle.min.js bootstrap.bundle.min.js
copy_as "$p" bootstrap dist/css/bootstrap.min.css bootstrap.min.css
copy "$p" bootstrap LICENSE

p="$(unpack "leaflet.awesome-markers@$AWESOME_MARKERS" leaflet.awesome-markers)"
copy "$p/dist" leaflet.awesome-markers leaflet.awesome-markers.min.js leaflet.awesome-markers.css \
    images/markers-soft.png images/markers-soft@2x.png images/markers-shadow.png images/markers-shadow@2x.png
copy "$p" leaflet.awesome-markers LICENSE

# all.min.css references both woff2 and ttf; ManifestStaticFilesStorage fails on a missing url().
p="$(unpack "@fortawesome/fontawesome-free@$FONTAWESOME" fontawesome)"
copy "$p" fontawesome css/all.min.css LICENSE.txt
for font in fa-brands-400 fa-regular-400 fa-solid-900 fa-v4compatibility; do
    copy "$p" fontawesome "webfonts/$font.woff2" "webfonts/$font.ttf"
done

p="$(unpack "d3@$D3" d3)"
copy "$p" d3 d3.min.js LICENSE

p="$(unpack "ol@$OL" ol)"
copy_as "$p" ol dist/ol.js ol.js
copy "$p" ol ol.css LICENSE.md

p="$(unpack "chart.js@$CHARTJS" chartjs)"
copy_as "$p" chartjs dist/chart.umd.min.js chart.umd.min.js
copy "$p" chartjs LICENSE.md

p="$(unpack "leaflet.markercluster@$MARKERCLUSTER" markercluster)"
copy "$p/dist" leaflet.markercluster leaflet.markercluster.js MarkerCluster.css MarkerCluster.Default.css
copy "$p" leaflet.markercluster MIT-LICENCE.txt

# The npm tarball has no LICENSE file (BSD-3-Clause, stated in package.json).
p="$(unpack "pmtiles@$PMTILES" pmtiles)"
copy "$p/dist" pmtiles pmtiles.js

# Its IIFE build bundles the pmtiles reader and the Protomaps basemap styles.
p="$(unpack "protomaps-leaflet@$PROTOMAPS_LEAFLET" protomaps-leaflet)"
copy "$p/dist" protomaps-leaflet protomaps-leaflet.js
copy "$p" protomaps-leaflet LICENSE

# folium's HeatMap plugin loads its own patched Leaflet.heat (weights fix, Leaflet.heat PR #78),
# which ships inside the folium wheel rather than on npm.
FOLIUM_TEMPLATES="$("$PYTHON" -c 'import folium, pathlib; print(pathlib.Path(folium.__file__).parent / "templates")')"
mkdir -p "$DEST/folium"
cp "$FOLIUM_TEMPLATES/leaflet_heat.min.js" "$DEST/folium/leaflet_heat.min.js"

# Source maps are not vendored; drop the comments pointing at them so browsers do not request
# them and ManifestStaticFilesStorage does not fail on the missing files.
# Some builds end with the comment on the code's last line, so strip it wherever it stands.
find "$DEST" -type f -name '*.js' -exec sed -i -E 's#//\# sourceMappingURL=.*$##' {} +
find "$DEST" -type f -name '*.css' -exec sed -i -E '/^\/\*# sourceMappingURL=.*\*\/$/d' {} +

du -sh "$DEST"
