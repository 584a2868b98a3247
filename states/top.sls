# Which states each host gets. Roles and levels come from the master's roster,
# never from the host itself, so these matches cannot be spoofed by a VM.
base:
  '*':
    - base
    - postfix
  'roles:sources':
    - match: grain
    - sources
  'roles:memcache':
    - match: grain
    - memcached
  'roles:sessions':
    - match: grain
    - memcached
    - redis
  'roles:masterdb':
    - match: grain
    - mariadb.primary
  'roles:db':
    - match: grain
    - mariadb.replica
  'roles:mail':
    - match: grain
    - opendkim
  'roles:app':
    - match: grain
    - app
  'roles:elastic':
    - match: grain
    - elastic
