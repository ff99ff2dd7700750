#!/usr/bin/env bash
# Keep a process running: restart it a second after it exits, until this script is stopped.
# Usage: scripts/supervise.sh LOGFILE COMMAND [ARGS...]   (production: use systemd, see README)
set -u
log="$1"; shift
child=""
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' INT TERM
while true; do
  "$@" >>"$log" 2>&1 &
  child=$!
  wait "$child"
  echo "$(date -Is) $1 exited with $?; restarting in 1 s" >>"$log"
  sleep 1
done
