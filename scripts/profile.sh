#!/usr/bin/env bash
# profile.sh takes a CPU profile of `hark listen --json` under the load of
# scripts/load.sh (wrk, 32 connections, the ChatBot.com webhook over 1 000
# conversations) and prints `go tool pprof -top` of it, flat and
# cumulative, then the share of each part of hark in its CPU and the CPU
# microseconds per request it takes (scripts/pprofshares): where hark's
# CPU goes that a bare handler does not spend. hark is built with
# -tags pprof (pprof.go), which serves net/http/pprof on a second port;
# release builds have no such endpoint.
#
# Not run in CI.
#
#   scripts/profile.sh                  # the three journal modes
#   MODES=fast SECONDS_=20 scripts/profile.sh
#
# Environment: MODES (nojournal fast fsync; bare profiles the yardstick),
# SECONDS_ profiled (10), CONNECTIONS (32), THREADS of wrk (2), PORT
# (18787), TOP lines (40), OUT directory for the profiles (kept; a temporary
# one when unset).
set -euo pipefail

MODES=${MODES:-nojournal fast fsync}
SECS=${SECONDS_:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18787}
PPROF_PORT=$((PORT + 1))
TOP=${TOP:-40}
export SESSIONS=${SESSIONS:-1000}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$here/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/hark-profile.XXXXXX")
trap cleanup EXIT
need_wrk
out=${OUT:-$work}
mkdir -p "$out"

echo "building hark (-tags pprof) and the bare handler..." >&2
(cd "$repo" && go build -tags pprof -o "$out/hark" . && go build -tags pprof -o "$out/bare" ./scripts/bare &&
	go build -o "$work/pprofshares" ./scripts/pprofshares)

shares=()

for mode in $MODES; do
	hark=("$out/hark" listen --json --local --port "$PORT")
	case $mode in
	bare) "$out/bare" -addr "127.0.0.1:$PORT" -pprof "127.0.0.1:$PPROF_PORT" >/dev/null 2>"$work/$mode.err" & ;;
	nojournal) HARK_PPROF=127.0.0.1:$PPROF_PORT "${hark[@]}" --no-journal >/dev/null 2>"$work/$mode.err" & ;;
	fast) HARK_PPROF=127.0.0.1:$PPROF_PORT "${hark[@]}" --fast --journal "$work/$mode.jsonl" >/dev/null 2>"$work/$mode.err" & ;;
	fsync) HARK_PPROF=127.0.0.1:$PPROF_PORT "${hark[@]}" --journal "$work/$mode.jsonl" >/dev/null 2>"$work/$mode.err" & ;;
	*) echo "unknown mode $mode (bare, nojournal, fast, fsync)" >&2; exit 2 ;;
	esac
	server=$!
	wait_port "$PORT" "$server" "$work/$mode.err"
	wait_port "$PPROF_PORT" "$server" "$work/$mode.err"
	# wrk runs 2 s longer than the profile on each side.
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((SECS + 4))s" -s "$here/webhook.lua" "http://127.0.0.1:$PORT" >"$work/$mode.wrk" &
	client=$!
	sleep 2
	curl -sf -o "$out/$mode.pprof" "http://127.0.0.1:$PPROF_PORT/debug/pprof/profile?seconds=$SECS"
	wait "$client" || true
	client=""
	kill -TERM "$server"
	wait "$server" || true
	server=""
	rm -f "$work/$mode.jsonl"
	res=$(grep '^RESULT' "$work/$mode.wrk")
	rate=$(awk -v n="$(sed 's/.* requests=\([0-9]*\).*/\1/' <<<"$res")" -v d="$(sed 's/.* duration_us=\([0-9]*\).*/\1/' <<<"$res")" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
	shares+=("$out/$mode.pprof@$rate")
	echo "== $mode: $rate requests/s, load $(cut -d' ' -f1-3 /proc/loadavg)"
	(cd "$repo" && go tool pprof -top -nodecount="$TOP" "$out/$mode.pprof" 2>/dev/null | head -n $((TOP + 6)))
	(cd "$repo" && go tool pprof -top -cum -nodecount="$TOP" "$out/$mode.pprof" 2>/dev/null | sed -n '/^ *flat/,$p' | head -n $((TOP + 1)))
done
echo
"$work/pprofshares" "${shares[@]}"
