# Session storage: small memcached, Redis keeps sessions under memory pressure.
memcached:
  memory: 128
redis:
  maxmemory: 512mb
  maxmemory_policy: volatile-lru
