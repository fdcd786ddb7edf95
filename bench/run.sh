#!/usr/bin/env bash
# Runs issue 7's benchmarks side by side, compares them with benchstat, rewrites BENCHMARKS.md at the
# repository root and prints the headline ratios as its last line.
#
#   bench/run.sh [--quick] [--worktree | --commit REV]
#
# --quick       fewer repetitions and no 10-million-trace RSS run: within 5 minutes on 2 cores.
# --commit REV  measure commit REV; by default the committed HEAD is measured, from a copy made with git
#               archive, so that other people's unfinished edits in the same checkout neither break nor
#               colour the figures. The benchmarks themselves (bench/) are always the working tree's.
# --worktree    measure the working tree as it is.
set -euo pipefail

readonly BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

usage() {
	echo "bench/run.sh: $1" >&2
	echo "usage: bench/run.sh [--quick] [--worktree | --commit REV]" >&2
	exit 2
}

quick=false
worktree=false
rev=HEAD
commit_given=false
while (($# > 0)); do
	case "$1" in
	--quick) quick=true ;;
	--worktree) worktree=true ;;
	--commit)
		(($# > 1)) || usage "--commit needs a revision"
		rev="$2"
		commit_given=true
		shift
		;;
	*) usage "unknown argument: $1" ;;
	esac
	shift
done
if [[ "$worktree" == true && "$commit_given" == true ]]; then
	usage "--worktree and --commit exclude each other: the working tree is not a commit"
fi

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
cd "$bench_dir"

if ! git -C "$repo_root" rev-parse --quiet --verify "$rev^{commit}" >/dev/null; then
	echo "bench/run.sh: no such commit in $repo_root: $rev" >&2
	exit 2
fi

# The Collector and replay benchmarks read the real recordings beside the checkout. Without them they skip
# (go test says so only with -v), and their figures are n/a; in CI their absence is a failure.
recordings="$(cd "$repo_root/.." && pwd)/shared/data/traces"
if [[ ! -d "$recordings" ]]; then
	if [[ "${CI:-}" == true ]]; then
		echo "bench/run.sh: the real trace recordings are missing in CI: $recordings" >&2
		exit 1
	fi
	echo "bench/run.sh: $recordings is absent (a fresh clone has no ../shared): the Collector and replay" \
		"benchmarks skip, and their figures will read n/a" >&2
fi

if [[ "$quick" == true ]]; then
	count=6
	benchtime=300ms
	mode=quick
else
	count=10
	benchtime=1s
	mode=full
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/otelsessions-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT
echo "raw output in $out (removed at exit)" >&2

# The module measured: HEAD's tree, or the working tree. The snapshot sits beside a link to ../shared, as the
# checkout does, so that the main module's own real-data benchmarks find the recordings.
commit="$(git -C "$repo_root" rev-parse --short "$rev")"
if [[ "$worktree" == true ]]; then
	measured="$repo_root"
	what="working tree at $commit"
	if [[ -n "$(git -C "$repo_root" status --porcelain -- . ':!bench' ':!BENCHMARKS.md')" ]]; then
		what="$what, with uncommitted changes"
	fi
	modflags=()
else
	measured="$out/main"
	what="commit $commit"
	mkdir -p "$measured"
	git -C "$repo_root" archive "$commit" | tar -x -C "$measured"
	ln -s "$(cd "$repo_root/.." && pwd)/shared" "$out/shared"
	cp go.mod "$out/bench.mod"
	cp go.sum "$out/bench.sum"
	go mod edit -modfile="$out/bench.mod" -replace "github.com/otelsessions/otelsessions=$measured"
	# The measured commit may require other versions than bench/go.mod was tidied against.
	go mod tidy -modfile="$out/bench.mod"
	modflags=(-modfile="$out/bench.mod")
fi
echo "measuring $what ($mode: $count rounds, -benchtime $benchtime)" >&2

# Each round runs every benchmark once, in turn: a "with" is measured right after its "without", so that
# the ratio of each pair holds while the load of this shared machine comes and goes. -count would run all
# the repetitions of one benchmark before the next. The medians are taken over the rounds.
go test "${modflags[@]}" -c -o "$out/bench.test" .
# replay's benchmark lives in the main module's internal/replay, which no other module may import.
(cd "$measured" && go test -c -o "$out/replay.test" ./internal/replay)
benchmarks='^Benchmark(Request|RequestSampled|Children|Entry|Bugsnag|Collector|MemorySession|MemoryTrace)$'
start=$SECONDS
for round in $(seq "$count"); do
	echo "round $round of $count" >&2
	"$out/bench.test" -test.run '^$' -test.bench "$benchmarks" \
		-test.benchmem -test.count 1 -test.benchtime "$benchtime" -test.timeout 30m | tee -a "$out/bench.txt" >&2
	(cd "$measured/internal/replay" && "$out/replay.test" -test.run '^$' -test.bench '^Benchmark(Replay|Unmarshal)$' \
		-test.benchmem -test.count 1 -test.benchtime "$benchtime" -test.timeout 30m) | tee -a "$out/replay.txt" >&2
done
# The RSS run is long: a full run keeps its output in testdata/rss-last.txt, which quick runs report as the
# last full run's.
rss_args=()
if [[ "$quick" == false ]]; then
	{
		echo "# $what, $(date -u '+%Y-%m-%d %H:%M UTC')"
		"$out/bench.test" -test.run '^$' -test.bench '^BenchmarkRSS$' -test.benchmem -test.benchtime 1x \
			-test.timeout 30m
	} | tee "$out/rss.txt" >&2
	mkdir -p testdata
	cp "$out/rss.txt" testdata/rss-last.txt
	rss_args=(-rss testdata/rss-last.txt)
elif [[ -f testdata/rss-last.txt ]]; then
	rss_args=(-rss testdata/rss-last.txt)
fi
took=$((SECONDS - start))

# benchstat runs in $out, so that its columns are named after the files, not their temporary paths.
benchstat() {
	(cd "$out" && go run "$BENCHSTAT" "$@")
}
{
	echo "### SDK: without otelsessions, with a tag-only processor (the floor), and with otelsessions"
	echo
	benchstat -filter '.name:(Request OR RequestSampled OR Children OR Entry)' -col /setup bench.txt
	echo
	echo "### Collector: the components against the floor"
	echo
	benchstat -filter '.name:Collector' -col /impl bench.txt
	echo
	echo "### bugsnag-go, memory"
	echo
	benchstat -filter '.name:(Bugsnag OR MemorySession OR MemoryTrace)' bench.txt
	echo
	echo "### replay against bare pdata unmarshalling"
	echo
	benchstat replay.txt
} >"$out/benchstat.txt" 2>&1
cat "$out/benchstat.txt" >&2

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
go run ./cmd/benchreport \
	-bench "$out/bench.txt" -replay "$out/replay.txt" "${rss_args[@]}" -benchstat "$out/benchstat.txt" \
	-notes NOTES.md -out "$repo_root/BENCHMARKS.md" \
	-mode "$mode" -count "$count" -benchtime "$benchtime" -measured "$what" -took "${took}s" \
	-cpu "${cpu:-unknown}" -cores "$(nproc)" -go "$(go env GOVERSION)" -date "$(date -u '+%Y-%m-%d %H:%M UTC')"
