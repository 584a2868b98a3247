{% from 'app/map.jinja' import app with context %}
# The application: nginx in front of PHP-FPM running the small PHP application shipped from this
# tree (app/files/www). Its configuration is one JSON file rendered from pillar and the inventory
# (the MariaDB primary and replicas, Redis, memcached and the mail relay by the addresses the hosts
# reported, the database user's and Redis's passwords from the private pillar), readable by root and
# the application's user only and never shown as a diff. The application reads it on every request:
# a new address or password takes effect without a restart. PHP keeps its sessions in Redis, set
# in the PHP-FPM pool (which holds Redis's password, so it is root-only); PHP-FPM and nginx are
# reloaded only when their own configuration changes. The schema step creates the application's
# tables on the primary when they are missing.
app-packages:
  pkg.installed:
    - pkgs: {{ app.packages | json }}

app-user:
  group.present:
    - name: {{ app.user }}
    - system: True
  user.present:
    - name: {{ app.user }}
    - gid: {{ app.user }}
    - system: True
    - home: /nonexistent
    - createhome: False
    - shell: /usr/sbin/nologin
    - require:
      - group: app-user

app-code:
  file.recurse:
    - name: {{ app.root }}
    - source: salt://app/files/www
    - user: root
    - group: root
    - file_mode: '0644'
    - dir_mode: '0755'
    - clean: True

app-config-dir:
  file.directory:
    - name: {{ app.config_dir }}
    - user: root
    - group: {{ app.user }}
    - mode: '0750'
    - require:
      - user: app-user

app-config:
  file.managed:
    - name: {{ app.config }}
    - source: salt://app/files/config.json.jinja
    - template: jinja
    - context:
        app: {{ app | json }}
    - user: root
    - group: {{ app.user }}
    - mode: '0640'
    - show_changes: False
    - require:
      - file: app-config-dir

app-schema:
  cmd.run:
    - name: /usr/bin/php {{ app.root }}/bin/schema.php
    - unless: /usr/bin/php {{ app.root }}/bin/schema.php --check
    - require:
      - file: app-code
      - file: app-config
      - pkg: app-packages

app-fpm-pool:
  file.managed:
    - name: {{ app.fpm_pool }}
    - source: salt://app/files/fpm-pool.conf.jinja
    - template: jinja
    - context:
        app: {{ app | json }}
    - user: root
    - group: root
    - mode: '0600'
    - require:
      - pkg: app-packages
      - user: app-user

app-fpm-default-pool:
  file.absent:
    - name: {{ app.fpm_default_pool }}
    - require:
      - file: app-fpm-pool

app-fpm:
  service.running:
    - name: {{ app.fpm_service }}
    - enable: True
    - reload: True
    - watch:
      - file: app-fpm-pool
      - file: app-fpm-default-pool
    - require:
      - pkg: app-packages

app-site:
  file.managed:
    - name: {{ app.site }}
    - source: salt://app/files/nginx-site.conf.jinja
    - template: jinja
    - context:
        app: {{ app | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: app-packages

app-site-enabled:
  file.symlink:
    - name: {{ app.site_enabled }}
    - target: {{ app.site }}
    - require:
      - file: app-site

app-default-site:
  file.absent:
    - name: /etc/nginx/sites-enabled/default
    - require:
      - pkg: app-packages

app-nginx:
  service.running:
    - name: {{ app.nginx_service }}
    - enable: True
    - reload: True
    - watch:
      - file: app-site
      - file: app-site-enabled
      - file: app-default-site
    - require:
      - service: app-fpm
