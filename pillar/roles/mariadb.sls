# MariaDB: the application's database and its user, created on the masterdb and replicated to every
# db host; the application reads the same names. Passwords are in the private pillar.
mariadb:
  replication_user: repl
  databases:
    platform:
      user: platform
