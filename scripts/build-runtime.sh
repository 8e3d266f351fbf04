#!/bin/sh
# Assembles the runtime layout of pivot-esl in the directory given, from a checkout where `npm ci` and
# `npm run build` have run. The Dockerfile and the systemd unit (conf/systemd/pivot-esl.service) both use it:
#
#   <dir>/package.json, package-lock.json and the files the package ships (package.json "files": dist/src, conf,
#         README.md, LICENSE, CHANGELOG.md): the compiled server, no tests, no benchmarks
#   <dir>/node_modules: the production dependencies only, copied from the checkout and pruned offline (no registry)
#
# The server then runs with `node <dir>/dist/src/main.js`. What an earlier run put in <dir> is replaced.
set -eu

dest=${1:?usage: scripts/build-runtime.sh <directory>}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f dist/src/main.js ] || [ ! -d node_modules ]; then
  echo "build-runtime: run 'npm ci' and 'npm run build' first" >&2
  exit 1
fi

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
shipped=$(node -p "require('./package.json').files.join('\n')")
for path in $shipped package.json package-lock.json node_modules; do
  rm -rf "${dest:?}/$path"
done
for path in $shipped package.json package-lock.json; do
  mkdir -p "$dest/$(dirname "$path")"
  cp -R "$path" "$dest/$path"
done
# node_modules may be a link to a shared install: copy what it holds, links inside it kept as they are.
mkdir "$dest/node_modules"
cp -R -P node_modules/. "$dest/node_modules/"
cd "$dest"
npm prune --omit=dev --offline --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error
