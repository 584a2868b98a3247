# Public infrastructure data for staging: service names, ports, sizes.
infra:
  level: staging
  domain: staging.example.internal
  smtp_relay: mail1.staging.example.internal
memcached:
  memory: 64
