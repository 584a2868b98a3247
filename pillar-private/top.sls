# Private pillar: secrets, compiled per host on the master and redacted everywhere.
# Real deployments keep this directory outside version control (see README).
# Every value shipped here is an example that says so: replace them all.
base:
  '*':
    - accounts.admins
  'roles:sessions':
    - match: grain
    - accounts.sessions
