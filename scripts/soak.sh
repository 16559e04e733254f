#!/usr/bin/env bash
# soak.sh sends a long run of webhooks into `hark listen --json` with the
# default journal (fsync) and says whether memory stays bounded and the rate
# holds: 300 000 realistic webhooks over 1 000 conversations, from wrk with
# 32 connections (scripts/webhook.lua). Every second it samples hark's
# resident memory and how much NDJSON it has printed; at the end it prints
# the RSS and the rate over the first and the last 6 seconds (NDJSON bytes
# over the run's mean line length, which every line of the run shares
# within a few bytes).
#
# Not run in CI.
#
#   scripts/soak.sh                      # 300 000 webhooks
#   N=100000 KEEP_FLAG="--keep 5000" scripts/soak.sh
#
# Environment: N (300000), SESSIONS (1000), CONNECTIONS (32), THREADS of
# wrk (2), PORT (18797), WINDOW seconds (6), KEEP_FLAG (extra flags for
# hark listen), KEEP=1 keeps the work directory.
set -euo pipefail

N=${N:-300000}
export SESSIONS=${SESSIONS:-1000}
CONNECTIONS=${CONNECTIONS:-32}
export THREADS=${THREADS:-2}
PORT=${PORT:-18797}
WINDOW=${WINDOW:-6}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$here/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/hark-soak.XXXXXX")
trap cleanup EXIT
need_wrk

echo "building hark..." >&2
(cd "$repo" && go build -o "$work/hark" .)

# shellcheck disable=SC2086 # KEEP_FLAG is a list of flags
"$work/hark" listen --json --local --port "$PORT" --journal "$work/soak.jsonl" ${KEEP_FLAG:-} \
	>"$work/out.ndjson" 2>"$work/err.log" &
server=$!
wait_port "$PORT" "$server" "$work/err.log"

# One sample a second: time, NDJSON bytes printed, RSS in kB.
(
	while kill -0 "$server" 2>/dev/null; do
		echo "$(date +%s.%N) $(stat -c %s "$work/out.ndjson") $(awk '/^VmRSS/ { print $2 }' "/proc/$server/status")"
		sleep 1
	done
) >"$work/samples" &
sampler=$!

echo "sending $N webhooks over $SESSIONS sessions, $CONNECTIONS connections..." >&2
# Each wrk thread stops after its share and leaves a mark; wrk itself runs
# until told to stop.
STOP_AFTER=$N STOP_MARK="$work/stopped-" wrk -t"$THREADS" -c"$CONNECTIONS" -d1h -s "$here/webhook.lua" \
	"http://127.0.0.1:$PORT" >"$work/wrk.log" 2>&1 &
client=$!
until [[ $(find "$work" -name 'stopped-*' | wc -l) -ge $THREADS ]]; do
	kill -0 "$client" 2>/dev/null || { cat "$work/wrk.log" >&2; exit 1; }
	sleep 0.2
done
kill -INT "$client"
wait "$client" || true
client=""
sleep 2 # the last exchanges are printed, and sampled
rss_end=$(awk '/^VmRSS/ { print $2 }' "/proc/$server/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server/status")
kill "$sampler" 2>/dev/null || true
sampler=""
kill -TERM "$server"
wait "$server" || true
server=""

lines=$(wc -l <"$work/out.ndjson")
bytes=$(stat -c %s "$work/out.ndjson")
journaled=$(grep -c '^{"t":"resp"' "$work/soak.jsonl" || true)
grep '^RESULT' "$work/wrk.log" >&2 || true
awk -v lines="$lines" -v bytes="$bytes" -v win="$WINDOW" -v rss="$rss_end" -v hwm="$hwm" -v n="$N" -v journaled="$journaled" '
	{ t[NR] = $1; b[NR] = $2; r[NR] = $3 }
	END {
		per = bytes / lines
		first = 0; for (i = 1; i <= NR; i++) if (b[i] > 0) { first = i; break }
		last = NR; while (last > 1 && b[last - 1] == b[last]) last--
		f = first; while (f < NR && t[f] - t[first] < win) f++
		l = last; while (l > 1 && t[last] - t[l] < win) l--
		r1 = (b[f] - b[first]) / per / (t[f] - t[first])
		r2 = (b[last] - b[l]) / per / (t[last] - t[l])
		printf "webhooks %d, NDJSON lines %d, response records in the journal %d\n", n, lines, journaled
		printf "RSS at the end %.0f MB (peak %.0f MB)\n", rss / 1024, hwm / 1024
		printf "rate over the first %ds %.0f/s, over the last %ds %.0f/s: %.2f of the first\n", win, r1, win, r2, r2 / r1
		mark = 50000
		for (i = first; i <= last; i++) if (b[i] / per >= mark) {
			printf "  t=%3.0fs  %7.0f exchanges  RSS %4.0f MB\n", t[i] - t[first], b[i] / per, r[i] / 1024
			while (b[i] / per >= mark) mark += 50000
		}
	}' "$work/samples"
