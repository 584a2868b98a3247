# What a base role does on every host: accounts, directories, configuration files, lines in
# files, cron entries. About twenty states, all converged after the first run.
cron:
  pkg.installed: []
ops:
  group.present:
    - gid: 2000
deploy:
  user.present:
    - uid: 2001
    - gid: 2000
    - home: /home/deploy
    - shell: /bin/bash
    - require:
      - group: ops
backup-agent:
  user.present:
    - uid: 2002
    - gid: 2000
    - home: /var/lib/backup-agent
    - shell: /usr/sbin/nologin
    - require:
      - group: ops
{% for d in pillar['base']['directories'] %}
{{ d }}:
  file.directory:
    - user: deploy
    - group: ops
    - mode: '0755'
    - require:
      - user: deploy
{% endfor %}
/etc/motd:
  file.managed:
    - contents: "{{ pillar['base']['banner'] }} {{ grains['id'] }}"
    - mode: '0644'
/etc/issue.net:
  file.managed:
    - contents: "{{ pillar['base']['banner'] }}"
    - mode: '0644'
app-env:
  file.managed:
    - name: /etc/app/env
    - contents: |
        APP_ENV=production
        APP_PORT=8080
    - user: deploy
    - group: ops
    - mode: '0640'
    - require:
      - file: /etc/app
/etc/sysctl.d/60-app.conf:
  file.managed:
    - contents: "net.core.somaxconn = 1024"
    - mode: '0644'
/etc/logrotate.d/app:
  file.managed:
    - contents: |
        /var/log/app/*.log {
          daily
          rotate 7
        }
    - mode: '0644'
/etc/bash.bashrc:
  file.append:
    - text: "alias ll='ls -la'"
app-port:
  file.replace:
    - name: /etc/app/env
    - pattern: '^APP_PORT=.*$'
    - repl: 'APP_PORT=8080'
    - require:
      - file: app-env
/srv/app/current:
  file.symlink:
    - target: /srv/app/releases
    - require:
      - file: /srv/app/releases
{% for job in pillar['base']['cron'] %}
{{ job.command }}:
  cron.present:
    - user: root
    - minute: '{{ job.minute }}'
    - require:
      - pkg: cron
{% endfor %}
