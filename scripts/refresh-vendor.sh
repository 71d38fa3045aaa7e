#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (no CDN at run time:
# government intranets are offline). Run by hand when a version changes; commit the result.
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
ECHARTS=6.1.0
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/minsheng/web/static/vendor"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "echarts@$ECHARTS" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
mkdir -p "$dest"
cp "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css" "$dest/"
cp "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js" "$dest/"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "$dest/"
cp "echarts-$ECHARTS/package/dist/echarts.min.js" "$dest/"
# Strip source-map comments: the maps are not vendored and a missing map is a console error.
sed -i -E 's@/[*/]# sourceMappingURL=[^ *]*( \*/)?$@@' "$dest"/*.js "$dest"/*.css
cat > "$dest/VERSIONS.md" <<VERS
# Vendored front-end files
Refreshed by \`scripts/refresh-vendor.sh\` from the npm registry.

| file | package | version | licence |
|---|---|---|---|
| bootstrap.min.css, bootstrap.bundle.min.js | bootstrap | $BOOTSTRAP | MIT |
| htmx.min.js | htmx.org | $HTMX | 0BSD |
| echarts.min.js | echarts | $ECHARTS | Apache-2.0 |
VERS
echo "vendored into $dest"
