base:
  '*':
    - memcached
