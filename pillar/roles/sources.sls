# The sources host: the platform's git repositories and the package mirror.
sources:
  git:
    repositories:
      - platform.git
  mirror:
    # Where each path of the mirror is copied from (rsync sources). On the test fleet, `debian` is
    # the package repository built on the master, which the fleet mounts read-only at this path on
    # its hosts; on a real network, e.g. rsync://mirror.example.org/debian (docs/platform.md).
    upstreams:
      debian: /srv/halite-fleet-repo
