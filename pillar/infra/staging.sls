# Public infrastructure data for staging: service names, ports, sizes.
infra:
  level: staging
  domain: staging.example.internal
  smtp_relay: mail1.staging.example.internal
memcached:
  memory: 64
elastic:
  cluster_name: platform-staging
  heap: 512m
chrony:
  # the level's NTP servers, by address (an example address: replace with your site's)
  servers: [192.0.2.123]
logrotate:
  rotate: 4
