{% from 'sources/map.jinja' import sources with context %}
{%- set mirror = sources.mirror %}
{%- set dir = mirror.root ~ '/' ~ mirror.path %}
# The package mirror: nginx serves `root` over HTTP, read-only (GET and HEAD), the repository under
# /<path>/, every request in /var/log/nginx/mirror.access.log. With an `upstream`, the repository is
# copied from it now when it differs, and again by cron: rsync puts new files in place at the end
# (--delay-updates) and deletes old ones last, so apt never sees an index naming a missing package.
{%- set rsync = 'rsync -a --delete-after --delay-updates ' ~ (mirror.upstream ~ '/') | quote ~ ' ' ~ (dir ~ '/') | quote %}

mirror-packages:
  pkg.installed:
    - pkgs: {{ mirror.packages | json }}

mirror-root:
  file.directory:
    - name: {{ dir }}
    - user: root
    - group: root
    - mode: '0755'
    - makedirs: True
{%- if mirror.upstream %}

mirror-sync:
  cmd.run:
    - name: {{ rsync }}
    - unless: test -z "$({{ rsync }} --dry-run --itemize-changes)"
    - require:
      - pkg: mirror-packages
      - file: mirror-root
  cron.present:
    - name: {{ rsync }} --quiet
    - identifier: halite-mirror-sync
    - user: root
    - minute: {{ mirror.sync_minute | yaml_dquote }}
    - require:
      - cmd: mirror-sync
{%- endif %}

mirror-site:
  file.managed:
    - name: /etc/nginx/sites-available/{{ mirror.site }}
    - source: salt://sources/files/nginx-mirror.conf.jinja
    - template: jinja
    - context:
        mirror: {{ mirror | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: mirror-packages

mirror-site-enabled:
  file.symlink:
    - name: /etc/nginx/sites-enabled/{{ mirror.site }}
    - target: /etc/nginx/sites-available/{{ mirror.site }}
    - require:
      - file: mirror-site

nginx-default-site:
  file.absent:
    - name: /etc/nginx/sites-enabled/default
    - require:
      - pkg: mirror-packages

mirror-service:
  service.running:
    - name: {{ mirror.service }}
    - enable: True
    - reload: True
    - watch:
      - file: mirror-site
      - file: mirror-site-enabled
      - file: nginx-default-site
    - require:
      - file: mirror-root
