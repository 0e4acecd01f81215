#!/bin/sh
# The reference's side of the capture benchmark: Debian's supervisord (4.2.5) runs the same writer as
# `capture` (`dd if=/dev/zero bs=8192 count=...`: yes-sized writes, a fixed amount) with stdout going to a log; we take supervisord's CPU time
# (/proc/<pid>/stat utime+stime) and the wall time from `spawned:` to `exited:` in its main log.
# Usage: reference.sh [MiB] [stdout_logfile] [maxbytes] [backups] [block]   (defaults: 4096, a file, 50MB, 10, 8192)
set -eu
mib=${1:-4096}
dir=$(mktemp -d /tmp/capture-ref.XXXXXX)
logfile=${2:-$dir/out.log}
maxbytes=${3:-50MB}
backups=${4:-10}
block=${5:-8192}
cat > "$dir/supervisord.conf" <<CONF
[supervisord]
nodaemon = true
logfile = $dir/main.log
pidfile = $dir/supervisord.pid
childlogdir = $dir
[program:bench]
command = dd if=/dev/zero bs=$block count=$((mib * 1048576 / block)) status=none
stdout_logfile = $logfile
stdout_logfile_maxbytes = $maxbytes
stdout_logfile_backups = $backups
startsecs = 0
autorestart = false
CONF
/usr/bin/supervisord -c "$dir/supervisord.conf" >/dev/null 2>&1 &
sup=$!
cpu() { awk '{ print $14 + $15 }' "/proc/$sup/stat"; }
until grep -q 'spawned:' "$dir/main.log" 2>/dev/null; do sleep 0.01; done
c0=$(cpu); t0=$(date +%s.%N)
until grep -q 'exited:' "$dir/main.log" 2>/dev/null; do sleep 0.01; done
c1=$(cpu); t1=$(date +%s.%N)
kill -TERM $sup; wait $sup || true
awk -v c0="$c0" -v c1="$c1" -v mib="$mib" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {
  sec = t1 - t0; ms = (c1 - c0) * 1000 / hz;
  printf "reference: captured %d MiB in %.2f s: %.0f MiB/s\nCPU %.0f ms: %.3f ms per MiB\n", mib, sec, mib / sec, ms, ms / mib }'
rm -rf "$dir"
