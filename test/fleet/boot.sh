#!/bin/sh
# Boots one test-fleet host. Runs on the master's filesystem inside the host's fresh mount, pid,
# uts and ipc namespaces (and its network namespace), as PID 1 of the new pid namespace:
# mounts the host's overlay root and its /proc, /sys, /dev, /run, /tmp, binds the package
# repository read-only, sets the hostname, pivots into the new root and becomes /sbin/init.
#
# usage: boot.sh HOSTNAME LOWER UPPER WORK ROOT REPO REPO_MOUNT
set -eu
name=$1 lower=$2 upper=$3 work=$4 root=$5 repo=$6 repo_mount=$7

echo "boot: $name"
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"

mount -t tmpfs -o nosuid,noexec,mode=0755,size=4m tmpfs "$root/dev"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/zero" c 1 5
mknod -m 666 "$root/dev/full" c 1 7
mknod -m 666 "$root/dev/random" c 1 8
mknod -m 666 "$root/dev/urandom" c 1 9
mknod -m 666 "$root/dev/tty" c 5 0
mkdir -m 755 "$root/dev/pts"
mount -t devpts -o newinstance,nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mkdir -m 1777 "$root/dev/shm"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"

mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs "$root/run"
mkdir -m 1777 "$root/run/lock"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"
mount --bind -o ro "$repo" "$root$repo_mount"

hostname "$name"
cd "$root"
pivot_root . .
umount -l .
cd /
exec /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 TERM=dumb container=halite-fleet /usr/sbin/init
