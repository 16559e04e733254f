#!/usr/bin/env bash
# load.sh measures hark against a bare net/http handler with an external
# client, as a platform would send webhooks: wrk, 32 connections, the
# realistic webhook of scripts/webhook.lua over 1 000 conversations. The
# receivers run in turn, interleaved round after round (bare, no journal,
# --fast, fsync, bare, ...), so that a machine whose load drifts hurts them
# alike; the ratios to bare are the medians of each round's ratio. After
# every hark run it checks that each request wrk saw answered 2xx has its
# response record in the journal. It also prints the CPU time each
# receiver spent per request (user and system, from /proc): on a machine
# shared with other work, rates move with the load, and this much less.
#
# Not run in CI: it takes minutes and wants the machine to itself.
#
#   scripts/load.sh                     # 5 rounds of 10 s per receiver
#   ROUNDS=3 DURATION=5 scripts/load.sh
#
# Environment: ROUNDS (5), DURATION seconds per run (10), WARMUP seconds
# before each (2), CONNECTIONS (32), THREADS of wrk (2), PORT (18787),
# SESSIONS (1000), HARK (a hark binary to measure instead of building
# this tree's), KEEP=1 keeps the work directory.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18787}
export SESSIONS=${SESSIONS:-1000}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$here/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/hark-load.XXXXXX")
trap cleanup EXIT
need_wrk

echo "building hark and the bare handler..." >&2
(cd "$repo" && go build -o "$work/bare" ./scripts/bare)
if [[ -n ${HARK:-} ]]; then cp "$HARK" "$work/hark"; else (cd "$repo" && go build -o "$work/hark" .); fi

# start MODE ROUND: starts one receiver in the background (pid in $server)
# and waits until it accepts connections.
start() {
	local mode=$1 round=$2
	local hark=("$work/hark" listen --json --local --port "$PORT")
	case $mode in
	bare) "$work/bare" -addr "127.0.0.1:$PORT" >/dev/null 2>"$work/$mode-$round.err" & ;;
	nojournal) "${hark[@]}" --no-journal >/dev/null 2>"$work/$mode-$round.err" & ;;
	fast) "${hark[@]}" --fast --journal "$work/$mode-$round.jsonl" >/dev/null 2>"$work/$mode-$round.err" & ;;
	fsync) "${hark[@]}" --journal "$work/$mode-$round.jsonl" >/dev/null 2>"$work/$mode-$round.err" & ;;
	esac
	server=$!
	wait_port "$PORT" "$server" "$work/$mode-$round.err"
}

stop() {
	kill -TERM "$server"
	wait "$server" || true
	server=""
}

# run_wrk SECONDS: one wrk run; prints its RESULT line.
run_wrk() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --latency -s "$here/webhook.lua" "http://127.0.0.1:$PORT" | grep '^RESULT'
}

# cpu_ticks PID: the user and system CPU time a process has used, in
# clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }

modes=(bare nojournal fast fsync)
declare -A rates cpus p50s p99s
missing_total=0
for ((round = 1; round <= ROUNDS; round++)); do
	for mode in "${modes[@]}"; do
		start "$mode" "$round"
		warm=$(run_wrk "$WARMUP")
		cpu0=$(cpu_ticks "$server")
		res=$(run_wrk "$DURATION")
		cpu1=$(cpu_ticks "$server")
		stop
		reqs=$(field requests "$res")
		non2xx=$(field non2xx "$res")
		dur=$(field duration_us "$res")
		rate=$(awk -v n="$reqs" -v d="$dur" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
		rates[$mode]+="$rate "
		cpu=$(awk -v t="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
		cpus[$mode]+="$cpu "
		p50s[$mode]+="$(field p50_us "$res") "
		p99s[$mode]+="$(field p99_us "$res") "
		note=""
		if [[ -f $work/$mode-$round.jsonl ]]; then
			answered=$(($(field requests "$warm") - $(field non2xx "$warm") + reqs - non2xx))
			journaled=$(grep -c '^{"t":"resp"' "$work/$mode-$round.jsonl" || true)
			missing=$((answered > journaled ? answered - journaled : 0))
			missing_total=$((missing_total + missing))
			note=" answered 2xx $answered, journaled $journaled, missing $missing"
		fi
		printf 'round %d %-9s %6d req/s  %5.1f µs CPU/req  non-2xx %d  load %s%s\n' "$round" "$mode" "$rate" "$cpu" "$non2xx" "$(cut -d' ' -f1 /proc/loadavg)" "$note" >&2
		rm -f "$work/$mode-$round.jsonl"
	done
done

# median [FORMAT]: the median of the numbers on stdin.
median() { tr ' ' '\n' | grep . | sort -g | awk -v f="${1:-%.0f}" '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f "\n", m }'; }

echo
echo "wrk -t$THREADS -c$CONNECTIONS, $ROUNDS rounds of ${DURATION}s, $SESSIONS sessions, $(nproc) CPUs, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-24s %10s %8s %9s %9s %12s\n' receiver "req/s" "vs bare" "p50" "p99" "CPU/req"
read -ra bare_rates <<<"${rates[bare]}"
for mode in "${modes[@]}"; do
	read -ra mine <<<"${rates[$mode]}"
	ratios=""
	for i in "${!mine[@]}"; do
		ratios+="$(awk -v a="${mine[$i]}" -v b="${bare_rates[$i]}" 'BEGIN { printf "%.3f", a / b }') "
	done
	label=$mode
	case $mode in
	bare) label="bare net/http" ;;
	nojournal) label="hark --no-journal" ;;
	fast) label="hark --fast" ;;
	fsync) label="hark (fsync)" ;;
	esac
	printf '%-24s %10s %8s %7sµs %7sµs %10sµs   ratios %s\n' "$label" "$(median <<<"${rates[$mode]}")" \
		"$(median %.2f <<<"$ratios")" "$(median <<<"${p50s[$mode]}")" "$(median <<<"${p99s[$mode]}")" \
		"$(median %.1f <<<"${cpus[$mode]}")" "$ratios"
done
echo "answered requests missing from the journal: $missing_total"
[[ $missing_total == 0 ]]
