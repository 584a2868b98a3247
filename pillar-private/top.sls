# Private pillar: secrets, compiled per host on the master and redacted everywhere.
# Real deployments keep this directory outside version control (see README).
base:
  'roles:sessions':
    - match: grain
    - accounts.sessions
