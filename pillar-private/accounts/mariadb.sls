# EXAMPLE VALUES ONLY: demo passwords that are public in this repository. Replace them in a real
# deployment (one change here rotates them on the servers and every consumer). The masterdb and the
# app hosts receive these; the replication password is in mariadb_replication.sls.
mariadb:
  databases:
    platform:
      password: example-only-platform-db-password
