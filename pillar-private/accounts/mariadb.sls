# EXAMPLE VALUES ONLY: demo passwords that are public in this repository. Replace them in a real
# deployment (one change here rotates them on the servers and every consumer).
mariadb:
  replication_password: example-only-replication-password
  databases:
    platform:
      password: example-only-platform-db-password
