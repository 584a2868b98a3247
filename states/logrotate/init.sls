{% from 'logrotate/map.jinja' import logrotate with context %}
# Log rotation: how often and how many old logs every host keeps (pillar `logrotate`), run daily by
# cron; packages add their own rules in /etc/logrotate.d.

cron:
  pkg.installed: []

logrotate:
  pkg.installed:
    - name: {{ logrotate.package }}
  file.managed:
    - name: {{ logrotate.config }}
    - source: salt://logrotate/files/logrotate.conf.jinja
    - template: jinja
    - context:
        logrotate: {{ logrotate | json }}
    - user: root
    - group: root
    - mode: '0644'
    - check_cmd: /usr/sbin/logrotate --debug
    - require:
      - pkg: logrotate
