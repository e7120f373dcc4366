#!/bin/sh
# `npm run bench:spin -- [PAIRS] [PAN_RUNS]`: the side by side of lazymmu's benchmark and
# SPIN on this project's Promela mirror of it (bench/spin/bench_reference.pml). The shared
# script (../shared/bench/spin/run-side-by-side.sh, or $LAZYMMU_SIDE_BY_SIDE) reads the
# mirror next to itself, so a copy of it and of our mirror go into a temporary directory
# and the copy runs from the project root. LAZYMMU_BENCH and LAZYMMU_STARTUP are what
# `npm run bench` runs and the modules it loads before exploring (its configuration and
# checker/run with the explorer, compiled; the script's defaults name a file that has
# moved).
# `npm run bench:spin -- --config 3x3 [PAIRS]`: the same comparison on the 3 CPU x 3 task
# configuration (the mirror's -DNCPU=3), which the shared script does not build.
# Needs spin 6.5.2, gcc, GNU time and bc: installed with apt-get when missing, as root.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=${LAZYMMU_SIDE_BY_SIDE:-$ROOT/../shared/bench/spin/run-side-by-side.sh}
missing=""
for tool in spin gcc bc /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench:spin: installing spin gcc bc time (missing:$missing)" >&2
		apt-get update -qq >/dev/null && apt-get install -y -qq spin gcc bc time >/dev/null
	else
		echo "bench:spin: missing:$missing (as root: apt-get install -y spin gcc bc time)" >&2
		exit 2
	fi
fi
TMP=$(mktemp -d /tmp/lazymmu-bench-spin.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
cp "$ROOT/bench/spin/bench_reference.pml" "$TMP/bench_reference.pml"
cd "$ROOT"
# The bench runs the compiled JavaScript, as the lazymmu command does (built if stale).
node scripts/build.js --if-stale
if [ "${1:-}" = "--config" ] && [ "${2:-}" = "3x3" ]; then
	# RUNS alternating pairs of one lazymmu bench and one pan run, the
	# same compile and run flags as the shared script; CPU is user+sys of each process
	# (lazymmu's includes its start-up, a few tenths of a second here).
	RUNS=${3:-3}
	(cd "$TMP" && spin -a -DNCPU=3 bench_reference.pml >/dev/null && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c)
	echo "SPIN: $(spin -V | head -1); bench_reference.pml -DNCPU=3, gcc -O2 -DSAFETY -DNOREDUCE, ./pan -m100000"
	echo "lazymmu: $ROOT ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')), node $(node -v), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "pair |    lz_st   lz_cpu |  spin_st   sp_cpu | ratio_cpu"
	k=1
	while [ "$k" -le "$RUNS" ]; do
		NODE_ENV=production /usr/bin/time -f "%U %S" -o "$TMP/lz.time" node dist/scripts/bench.js --config 3x3 >"$TMP/lz.out"
		lst=$(awk '/^distinct states:/ {print $3}' "$TMP/lz.out")
		lcpu=$(awk '{print $1 + $2}' "$TMP/lz.time")
		(cd "$TMP" && /usr/bin/time -f "%U %S" -o pan.time ./pan -m100000 >pan.out 2>&1)
		grep -q "errors: 0" "$TMP/pan.out" || { echo "bench:spin: pan reported errors" >&2; cat "$TMP/pan.out" >&2; exit 1; }
		sst=$(awk '/states, stored/ {print $1; exit}' "$TMP/pan.out")
		scpu=$(awk '{print $1 + $2}' "$TMP/pan.time")
		ratio=$(awk -v a="$lst" -v b="$lcpu" -v c="$sst" -v d="$scpu" 'BEGIN {printf "%.5f", (a / b) / (c / d)}')
		printf '%-4s | %8s %8s | %8s %8s | %9s\n' "$k" "$lst" "$lcpu" "$sst" "$scpu" "$ratio"
		echo "$ratio" >>"$TMP/ratios"
		k=$((k + 1))
	done
	echo "ratio lazymmu / SPIN on 3x3 (distinct states per CPU second, no POR, median of $RUNS pairs): $(sort -g "$TMP/ratios" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
	exit 0
fi
if [ ! -r "$SCRIPT" ]; then
	echo "bench:spin: $SCRIPT: no side-by-side script there (set LAZYMMU_SIDE_BY_SIDE)" >&2
	exit 2
fi
cp "$SCRIPT" "$TMP/run-side-by-side.sh"
export LAZYMMU_DIR="$ROOT"
export LAZYMMU_BENCH="env NODE_ENV=production node dist/scripts/bench.js"
export LAZYMMU_STARTUP="env NODE_ENV=production node -e 'require(\"./dist/scripts/bench-setup\"); require(\"./dist/checker/run\")'"
sh "$TMP/run-side-by-side.sh" "$@"
