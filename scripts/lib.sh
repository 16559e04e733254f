# Helpers shared by load.sh and soak.sh (sourced, not run).

# The processes a script started, by pid ("" when none), and its work
# directory; cleanup ends them and removes it (KEEP=1 keeps it).
server="" sampler="" client="" work=""
cleanup() {
	[[ -n $client ]] && kill "$client" 2>/dev/null || true
	[[ -n $sampler ]] && kill "$sampler" 2>/dev/null || true
	if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
		kill -TERM "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	[[ -n $work ]] || return 0
	if [[ ${KEEP:-0} == 1 ]]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}

# need_wrk installs wrk with apt-get when it is missing.
need_wrk() {
	command -v wrk >/dev/null && return
	echo "wrk is missing: installing it with apt-get" >&2
	local sudo=""
	[[ $(id -u) == 0 ]] || sudo=sudo
	$sudo apt-get install -y wrk >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
}

# wait_port PORT PID LOG waits until something accepts connections on
# 127.0.0.1:PORT, and fails when the process PID ends first (LOG says why).
wait_port() {
	local port=$1 pid=$2 log=$3
	for _ in $(seq 200); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "the receiver ended before listening:" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "nothing listens on port $port after 10 s" >&2
	return 1
}
