# The sources host: the platform's git repositories and the package mirror.
sources:
  git:
    repositories:
      - platform.git
  mirror:
    # Where the mirror's packages come from. On the test fleet, the package repository built on the
    # master, which the fleet mounts read-only at this path on its hosts; on a real network, an
    # rsync source such as rsync://mirror.example.org/debian (see docs/platform.md).
    upstream: /srv/halite-fleet-repo
