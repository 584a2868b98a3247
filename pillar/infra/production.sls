# Public infrastructure data for production: service names, ports, sizes.
infra:
  level: production
  domain: example.internal
  smtp_relay: mail1.example.internal
memcached:
  memory: 1024
  max_connections: 4096
elastic:
  cluster_name: platform-production
  heap: 4g
chrony:
  # the level's NTP servers, by address (an example address: replace with your site's)
  servers: [192.0.2.123]
logrotate:
  rotate: 12
