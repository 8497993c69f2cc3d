#!/usr/bin/env bash
# agent-vs-trace-cmd.sh: issue 12 item 5, the guest's exit rate under `smtreplay agent` against
# `trace-cmd record` on the same guest, side by side in one run (BENCHMARKS.md, "Live capture").
#
#   sudo benchmarks/live/agent-vs-trace-cmd.sh [ROUNDS] [EXITS]      (defaults: 3 rounds, 300000 exits)
#
# Needs root, /dev/kvm, tracefs at /sys/kernel/tracing, gcc, trace-cmd, and the jars bin/smtreplay
# runs (it builds them on first use). The guest is agent/src/test/c/pio_guest.c, built as the live
# tests build it (gcc -O2): a real-mode loop on `out dx,al`, one KVM_RUN = one PIO exit. Each round
# runs it EXITS times three ways, in this order, and a last untraced run closes the series:
#   untraced   no tracing at all;
#   agent      `bin/smtreplay agent` (its own tracefs instance, 16 MB per CPU, the model events),
#              bootstrap 127.0.0.1:1, so the agent decodes, encodes and spools every record but
#              never reaches a broker (as the earlier runs did); stopped with SIGTERM after the guest;
#   trace-cmd  `trace-cmd record -d -k -B <private instance> -b 16384` with exactly the events and
#              filters the agent enabled (read from the agent's instance while it ran).
# AGENT_VARIANTS (optional) runs the agent several ways in each round, side by side: entries
# separated by ';', each LABEL|JAVA_OPTS|AGENT_ARGS, e.g.
#   AGENT_VARIANTS='agent-nice0||--decode-nice 0;agent||;agent-c2|-XX:TieredStopAtLevel=4|'
# (default: one variant, "agent", bin/smtreplay's own launch options and the agent's defaults).
# The rate is exits/s from the guest's own clock (it prints ns=). Each traced run also reports the
# reader's CPU seconds while the guest ran (utime+stime of the agent's JVM, or of trace-cmd and its
# per-CPU recorder processes, from /proc/<pid>/stat). Loss: the agent's own count (the
# kernel's per-CPU stats it reads); trace-cmd's: kvm_pio events of the guest's thread in
# `trace-cmd report` against EXITS. Output: one TSV line per run on stdout, then the medians.
# tracefs is left as found (no instance of ours, top-level set_event unchanged), also on failure:
# the EXIT trap stops what still runs, removes our instances and compares against the start.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${1:-3}
EXITS=${2:-300000}
TRACEFS=/sys/kernel/tracing
TC_INSTANCE="agentbench-tc-$$"
agent_pid="" tc_pid=""

top_state() { # what this script must not change at the top level
  printf 'set_event=%s tracing_on=%s buffer_size_kb=%s\n' "$(sort "$TRACEFS/set_event" | tr '\n' ,)" \
    "$(cat "$TRACEFS/tracing_on")" "$(cat "$TRACEFS/buffer_size_kb")"
}
cleanup() {
  local rc=$?
  [[ -n $agent_pid ]] && kill -TERM "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  [[ -n $tc_pid ]] && kill -INT "$tc_pid" 2>/dev/null && wait "$tc_pid" 2>/dev/null
  for d in "$TRACEFS/instances/$TC_INSTANCE" "$TRACEFS"/instances/smtreplay-"${agent_pid:-none}"; do
    [[ -d $d ]] && { echo 0 >"$d/tracing_on"; rmdir "$d" || echo "agent-vs-trace-cmd: could not remove $d" >&2; }
  done
  local after; after=$(top_state)
  if [[ $after != "$before" ]]; then
    echo "agent-vs-trace-cmd: tracefs top level changed: before [$before] after [$after]" >&2
    rc=1
  fi
  rm -rf "$W"
  exit $rc
}
before=$(top_state) # first: if tracefs cannot be read, nothing has been made yet
W=$(mktemp -d /tmp/agent-vs-trace-cmd.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT TERM

gcc -O2 -o "$W/pio_guest" "$ROOT/agent/src/test/c/pio_guest.c"
"$ROOT/bin/smtreplay" --version >/dev/null # builds the jars now, not inside a measured run

cpu_ticks() { # utime+stime of these processes (clock ticks)
  local t=0 p; for p in "$@"; do t=$((t + $(sed -E 's/.*\) //' "/proc/$p/stat" 2>/dev/null | awk '{ s += $12 + $13 } END { print s + 0 }'))); done
  echo "$t"
}
guest() { # runs the guest; sets tid, rate (exits/s by the guest's clock) and reader_cpu (CPU-s of READER_PIDS meanwhile)
  local pids; pids=$(for p in ${READER_PIDS:-}; do echo "$p"; pgrep -P "$p" || true; done)
  local t0; t0=$(cpu_ticks $pids)
  local out; out=$("$W/pio_guest" "$EXITS" 1000)
  reader_cpu=$(awk -v a="$t0" -v b="$(cpu_ticks $pids)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')
  tid=$(sed -E 's/.*tid=([0-9]+).*/\1/' <<<"$out")
  rate=$(sed -E 's/.*ns=([0-9]+).*/\1/' <<<"$out" | awk -v n="$EXITS" '{ printf "%d", n / ($1 / 1e9) }')
}
wait_for() { # waits up to 60 s for a file to exist
  for _ in $(seq 600); do [[ -e $1 ]] && return 0; sleep 0.1; done
  echo "agent-vs-trace-cmd: $1 did not appear within 60 s" >&2; return 1
}

run_untraced() { guest; echo -e "$1\tuntraced\t$rate\t-"; }

run_agent() { # round label java-opts agent-args
  local label=${2:-agent}
  # shellcheck disable=SC2086 # the agent's extra arguments are words
  JAVA_OPTS="${3:-}" "$ROOT/bin/smtreplay" agent ${4:-} --bootstrap 127.0.0.1:1 --host bench --spool-dir "$W/spool" \
    --delivery-timeout 1s --label comm:pio_guest=pio-app >"$W/agent.out" 2>"$W/agent.err" &
  agent_pid=$!
  local inst="$TRACEFS/instances/smtreplay-$agent_pid"
  wait_for "$inst/tracing_on"
  until [[ $(cat "$inst/tracing_on" 2>/dev/null) == 1 ]]; do sleep 0.1; done
  sleep 3 # the agent's readers are up well before this; the same pause as trace-cmd gets
  grep -v '^#' "$inst/set_event" | sort >"$W/events"
  : >"$W/filters"
  while read -r ev; do
    local f; f=$(cat "$inst/events/${ev/://}/filter")
    [[ $f != none ]] && printf '%s\t%s\n' "$ev" "$f" >>"$W/filters"
  done <"$W/events"
  READER_PIDS=$agent_pid guest
  sleep 2
  kill -TERM "$agent_pid"
  # exits 1: the unreachable broker leaves the records in the spool; any other status is a failure
  local status=0; wait "$agent_pid" || status=$?
  [[ $status == 1 ]] || { echo "agent-vs-trace-cmd: the agent exited $status (expected 1):" >&2; cat "$W/agent.err" >&2; exit 1; }
  agent_pid=""
  local lost; lost=$(sed -nE 's/^agent: .*, ([0-9]+) events lost$/\1/p' "$W/agent.out")
  [[ -n $lost ]] || { echo "agent-vs-trace-cmd: no summary from the agent:" >&2; cat "$W/agent.out" "$W/agent.err" >&2; exit 1; }
  local spooled; spooled=$(sed -nE 's/.*did not acknowledge ([0-9]+) records.*/\1/p' "$W/agent.err")
  echo -e "$1\t$label\t$rate\t$lost lost (kernel stats), ${spooled:-?} Kafka records (event batches) left in the spool\t$reader_cpu CPU-s"
  rm -rf "$W/spool"
}

run_trace_cmd() {
  local args=()
  while read -r ev; do
    args+=(-e "$ev")
    local f; f=$(awk -F'\t' -v e="$ev" '$1 == e { print $2 }' "$W/filters")
    [[ -n $f ]] && args+=(-f "$f")
  done <"$W/events"
  trace-cmd record -d -k -B "$TC_INSTANCE" -b 16384 "${args[@]}" -o "$W/t.dat" >"$W/tc.out" 2>&1 &
  tc_pid=$!
  wait_for "$TRACEFS/instances/$TC_INSTANCE/tracing_on"
  sleep 3
  READER_PIDS=$tc_pid guest
  sleep 2
  kill -INT "$tc_pid"
  wait "$tc_pid" || { cat "$W/tc.out" >&2; exit 1; }
  tc_pid=""
  [[ -d $TRACEFS/instances/$TC_INSTANCE ]] && rmdir "$TRACEFS/instances/$TC_INSTANCE"
  local seen; seen=$(trace-cmd report -i "$W/t.dat" 2>/dev/null | awk -v t="-$tid " 'index($0, t) && / kvm_pio:/ { n++ } END { print n + 0 }')
  echo -e "$1\ttrace-cmd\t$rate\t$((EXITS - seen)) lost ($seen of $EXITS kvm_pio in the report)\t$reader_cpu CPU-s"
  rm -f "$W/t.dat"*
}

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, kernel $(uname -r), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo -e "# round\treader\texits/s\tloss\treader CPU-s while the guest ran"
IFS=';' read -r -a variants <<<"${AGENT_VARIANTS:-agent||}"
measure() { # not in a pipeline: the runs must set agent_pid/tc_pid in this shell, for the trap
  "$@" >"$W/line"
  cat "$W/line" >>"$W/results"
  cat "$W/line"
}
for r in $(seq "$ROUNDS"); do
  measure run_untraced "$r"
  for v in "${variants[@]}"; do
    IFS='|' read -r label opts args <<<"$v"
    measure run_agent "$r" "$label" "$opts" "$args"
  done
  [[ $r == 1 ]] && echo "# agent's events: $(tr '\n' ' ' <"$W/events")(filtered: $(cut -f1 "$W/filters" | tr '\n' ' '))"
  measure run_trace_cmd "$r"
done
measure run_untraced last
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for reader in untraced $(for v in "${variants[@]}"; do echo "${v%%|*}"; done) trace-cmd; do
  for col in 3 5; do
    awk -F'\t' -v r="$reader" -v c="$col" '$2 == r && $c != "" { print $c + 0 }' "$W/results" | sort -n |
      awk -v r="$reader" -v what="$([[ $col == 3 ]] && echo exits/s || echo "reader CPU-s while the guest ran")" '{ v[NR] = $1 }
        END { if (NR == 0) exit; m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
          printf "# median %s: %s %s (%d runs, %s..%s)\n", r, m, what, NR, v[1], v[NR] }'
  done
done
