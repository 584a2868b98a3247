#!/bin/sh
# /sbin/init of a test-fleet host, PID 1 of the host's pid namespace.
# Starts the services enabled for runlevel 2, as sysv-rc does at boot, then reaps orphaned
# processes for as long as the host lives. The host is stopped by killing this process, which
# ends every process of its pid namespace.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
cd /

echo "init: starting the services of runlevel 2"
for script in /etc/rc2.d/S*; do
  [ -x "$script" ] || continue
  "$script" start </dev/null || echo "init: $script start exited with status $?"
done
echo "init: boot complete"

# `wait` reaps every child, including orphans this process inherits, until the sleep ends.
while :; do
  sleep 3600 &
  wait
done
