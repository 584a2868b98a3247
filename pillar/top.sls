# Pillar is compiled on the master from roster data only (id, level, roles).
base:
  '*':
    - apt
  'level:staging':
    - match: grain
    - infra.staging
  'level:production':
    - match: grain
    - infra.production
  'roles:memcache':
    - match: grain
    - roles.memcache
  'roles:sessions':
    - match: grain
    - roles.sessions
  'roles:mail':
    - match: grain
    - roles.mail
  'roles:sources':
    - match: grain
    - roles.sources
  'roles:elastic':
    - match: grain
    - roles.elastic
  'G@roles:masterdb or G@roles:db or G@roles:app':
    - match: compound
    - roles.mariadb
