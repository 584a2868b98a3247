# Private pillar: secrets, compiled per host on the master and redacted everywhere.
# Real deployments keep this directory outside version control (see README).
# Every value shipped here is an example that says so: replace them all.
base:
  '*':
    - accounts.admins
  'G@roles:sessions or G@roles:app':
    - match: compound
    - accounts.sessions
  'roles:mail':
    - match: grain
    - accounts.mail
  'roles:sources':
    - match: grain
    - accounts.sources
  'G@roles:masterdb or G@roles:db':
    - match: compound
    - accounts.mariadb_replication
  'G@roles:masterdb or G@roles:app':
    - match: compound
    - accounts.mariadb
