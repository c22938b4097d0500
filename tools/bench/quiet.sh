#!/usr/bin/env bash
# Runs a command with every other CPU-heavy process on this machine paused (SIGSTOP), then resumes
# them (SIGCONT), so timings on this shared 2-core machine are not skewed by builds or training.
# Processes started while the command runs are paused too (re-scanned twice a second), except the
# command's own descendants.
# Always call it under the shared lock, so two timings never pause each other:
#   flock /tmp/aezoo-bench.lock tools/bench/quiet.sh CMD ARGS...
set -u
own_pgid=$(ps -o pgid= $$ | tr -d ' ')
heavy='^(swift-frontend|swift-build|swift-test|swift-driver|swift-autolink|swiftc|clang|clang-[0-9]+|ld|ld.gold|ld.lld|lld|cc1|as|aezoo|aezoo-bench|checkpoint-stres|aezooPackageTes|.*xctest|.*Tests|python3|python|python3\.[0-9]+|make|gcc|hyperfine)$'
list=$(mktemp)
# True when $1 descends from this script: the benchmark's own children (a PyTorch peer started by
# Foundation's Process gets a process group of its own) must keep running.
ours() {
  local p=$1
  while [ -n "$p" ] && [ "$p" -gt 1 ]; do
    [ "$p" = "$$" ] && return 0
    p=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')
  done
  return 1
}
scan() {
  while read -r pid pgid comm; do
    [ "$pgid" = "$own_pgid" ] && continue
    [ "$pid" = "$$" ] && continue
    [[ "$comm" =~ $heavy ]] || continue
    ours "$pid" && continue
    if [[ "$comm" =~ $heavy ]] && ! grep -qx "$pid" "$list"; then kill -STOP "$pid" 2>/dev/null && echo "$pid" >> "$list"; fi
  done < <(ps -eo pid=,pgid=,comm=)
}
resume() { [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null; while read -r p; do kill -CONT "$p" 2>/dev/null; done < "$list"; rm -f "$list"; }
trap resume EXIT INT TERM
scan
echo "quiet.sh: paused $(wc -l < "$list") processes; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
( while sleep 0.5; do scan; done ) &
watcher=$!
sleep 2
"$@"
