#!/usr/bin/env bash
# Runs a command with every other CPU-heavy process on this machine paused (SIGSTOP), then resumes
# them (SIGCONT), so timings on this shared 2-core machine are not skewed by builds or training.
# Processes started while the command runs are paused too (re-scanned twice a second).
# Always call it under the shared lock, so two timings never pause each other:
#   flock /tmp/aezoo-bench.lock tools/bench/quiet.sh CMD ARGS...
set -u
own_pgid=$(ps -o pgid= $$ | tr -d ' ')
heavy='^(swift-frontend|swift-build|swift-test|swift-driver|swift-autolink|swiftc|clang|clang-[0-9]+|ld|ld.gold|ld.lld|lld|cc1|as|aezoo|aezoo-bench|checkpoint-stres|aezooPackageTes|.*xctest|.*Tests|python3|python|python3\.[0-9]+|make|gcc|hyperfine)$'
list=$(mktemp)
scan() {
  while read -r pid pgid comm; do
    [ "$pgid" = "$own_pgid" ] && continue
    [ "$pid" = "$$" ] && continue
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
