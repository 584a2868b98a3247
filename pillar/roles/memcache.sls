# The shared application cache.
memcached:
  port: 11211
