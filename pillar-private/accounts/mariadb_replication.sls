# EXAMPLE VALUE ONLY: a demo password that is public in this repository. Replace it in a real
# deployment. Only the masterdb and the db replicas receive it.
mariadb:
  replication_password: example-only-replication-password
