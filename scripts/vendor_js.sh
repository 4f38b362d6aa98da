#!/usr/bin/env bash
# Vendor the JavaScript used by `kg export --format html` into kg/static/.
# The HTML explorer must work offline (no CDN), so the library is copied into the package and
# inlined into each exported file.  Re-run after changing the pinned version; commit the result.
set -euo pipefail

CYTOSCAPE_VERSION="${CYTOSCAPE_VERSION:-3.34.4}"   # MIT licence

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$here/kg/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$dest"
(cd "$work" && npm pack --silent "cytoscape@${CYTOSCAPE_VERSION}" >/dev/null)
tar -xzf "$work"/cytoscape-*.tgz -C "$work"
license="$(node -e 'console.log(require(process.argv[1]).license)' "$work/package/package.json")"
if [ "$license" != "MIT" ]; then
  echo "vendor_js: cytoscape ${CYTOSCAPE_VERSION} is licensed '$license', expected MIT" >&2
  exit 1
fi
cp "$work/package/dist/cytoscape.min.js" "$dest/cytoscape.min.js"
cp "$work/package/LICENSE" "$dest/cytoscape.LICENSE"
echo "cytoscape ${CYTOSCAPE_VERSION}" > "$dest/cytoscape.VERSION"
echo "vendored cytoscape ${CYTOSCAPE_VERSION} (MIT) into $dest"
