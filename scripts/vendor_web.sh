#!/usr/bin/env bash
# Vendor the dashboard's front-end packages into the Python package.
#
# CesiumJS is pinned in web/package.json and web/package-lock.json; this installs exactly
# that (npm ci, in a temporary folder) and copies only what the page loads into
# src/aether/web/static/vendor/cesium, with CesiumJS's licence and its third-party list.
# The copied files are committed: nothing is fetched when Aether runs or its tests do.
# Run it after changing the pin; tests/web/test_vendored.py checks the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/src/aether/web/static/vendor/cesium
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$root/web/package.json" "$root/web/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
package=$work/node_modules/cesium
build=$package/Build/Cesium

rm -rf "$dest"
mkdir -p "$dest/Assets/Textures" "$dest/ThirdParty"
cp "$build/Cesium.js" "$dest/"                       # the minified library (window.Cesium)
cp -r "$build/Workers" "$dest/"                      # web workers it starts for geometry
cp -r "$build/ThirdParty/Workers" "$dest/ThirdParty/"
cp -r "$build/Widgets" "$dest/"                      # the viewer's CSS and icons
cp -r "$build/Assets/IAU2006_XYS" "$build/Assets/Images" "$build/Assets/approximateTerrainHeights.json" \
    "$dest/Assets/"                                  # ICRF <-> Earth-fixed (CZML INERTIAL), credits
cp -r "$build/Assets/Textures/NaturalEarthII" "$build/Assets/Textures/SkyBox" \
    "$build/Assets/Textures/moonSmall.jpg" "$dest/Assets/Textures/"  # the offline Earth, stars, Moon
cp "$package/LICENSE.md" "$package/ThirdParty.json" "$dest/"
node -p "'cesium ' + require('$package/package.json').version" > "$dest/VERSION"
du -sh "$dest"
