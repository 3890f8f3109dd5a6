#!/bin/sh
# Written by Suanwang's local dispatch backend into each job's directory and run
# detached (own session) as: /bin/sh JOBDIR/wrapper.sh LIMIT_S JOBDIR
# It runs the job's command under `timeout` (which puts it in its own process
# group, so the time limit or a cancel reaches every process the command
# started), and records what the platform needs to find the job again after a
# restart of the platform: its pid, the start time, and at the end the exit
# status, the end time and the CPU time the kernel accounted to the job
# (`times`: rusage of waited-for children). Writes are tmp + rename, so a
# reader never sees half a file.
set -u
limit=$1
d=$2
echo $$ >"$d/pid.tmp" && mv "$d/pid.tmp" "$d/pid"
date +%s.%N >"$d/started.tmp" && mv "$d/started.tmp" "$d/started"
cd "$d/work" || exit 1
# -k: a command that ignores SIGTERM is killed 10 s later; 0 = no time limit.
timeout -k 10 "$limit" /bin/sh -c "$(cat "$d/command")" </dev/null &
echo $! >"$d/pgid.tmp" && mv "$d/pgid.tmp" "$d/pgid"
wait $!
rc=$?
# times must run in this shell (a subshell's children rusage starts at zero)
{ echo "$rc"; date +%s.%N; times; } >"$d/exit.tmp"
mv "$d/exit.tmp" "$d/exit"
