#!/bin/sh
# `npm run bench:spin -- [PAIRS] [PAN_RUNS]`: the side by side of lazymmu's benchmark and
# SPIN on this project's Promela mirror of it (bench/spin/bench_reference.pml). The shared
# script (../shared/bench/spin/run-side-by-side.sh, or $LAZYMMU_SIDE_BY_SIDE) reads the
# mirror next to itself, so a copy of it and of our mirror go into a temporary directory
# and the copy runs from the project root. LAZYMMU_BENCH and LAZYMMU_STARTUP are what
# `npm run bench` runs and the modules it loads before exploring (its configuration and
# checker/run with the explorer; the script's defaults name a file that has moved). Needs spin 6.5.2, gcc, GNU time and bc (apt-get install -y spin).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=${LAZYMMU_SIDE_BY_SIDE:-$ROOT/../shared/bench/spin/run-side-by-side.sh}
if [ ! -r "$SCRIPT" ]; then
	echo "bench:spin: $SCRIPT: no side-by-side script there (set LAZYMMU_SIDE_BY_SIDE)" >&2
	exit 2
fi
for tool in spin gcc bc /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench:spin: $tool is missing (apt-get install -y spin gcc bc time)" >&2; exit 2; }
done
TMP=$(mktemp -d /tmp/lazymmu-bench-spin.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
cp "$SCRIPT" "$TMP/run-side-by-side.sh"
cp "$ROOT/bench/spin/bench_reference.pml" "$TMP/bench_reference.pml"
cd "$ROOT"
TSNODE="node -r ts-node/register/transpile-only"
export LAZYMMU_DIR="$ROOT"
export LAZYMMU_BENCH="$TSNODE scripts/bench.ts"
export LAZYMMU_STARTUP="$TSNODE -e 'require(\"./scripts/bench-setup\"); require(\"./checker/run\")'"
sh "$TMP/run-side-by-side.sh" "$@"
