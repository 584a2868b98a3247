# Public infrastructure data for production: service names, ports, sizes.
infra:
  level: production
  domain: example.internal
  smtp_relay: mail1.example.internal
memcached:
  memory: 1024
  max_connections: 4096
