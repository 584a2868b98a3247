base:
  banner: Managed host
  directories: [/srv/app, /srv/app/releases, /srv/app/shared, /var/log/app, /etc/app]
  cron:
    - {command: /usr/local/bin/rotate-uploads, minute: 5}
    - {command: /usr/local/bin/prune-sessions, minute: 20}
    - {command: /usr/local/bin/report-disk, minute: 40}
