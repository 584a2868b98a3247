memcached:
  memory_mb: 64
  port: 11211
  max_connections: 1024
