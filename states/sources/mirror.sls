{% from 'sources/map.jinja' import sources with context %}
{%- set mirror = sources.mirror %}
# The package mirror: nginx serves `root` over HTTP, read-only (GET and HEAD), every request in
# /var/log/nginx/mirror.access.log. Each path of `upstreams` is copied from its rsync source now
# when it differs, and again by cron: rsync puts new files in place at the end (--delay-updates)
# and deletes old ones last, so apt never sees an index naming a package not there yet.

mirror-packages:
  pkg.installed:
    - pkgs: {{ mirror.packages | json }}

mirror-root:
  file.directory:
    - name: {{ mirror.root }}
    - user: root
    - group: root
    - mode: '0755'
    - makedirs: True
{%- for path, upstream in mirror.upstreams | dictsort %}
{%-   set rsync = 'rsync -a --delete-after --delay-updates ' ~ (upstream ~ '/') | quote ~ ' ' ~ (mirror.root ~ '/' ~ path ~ '/') | quote %}

mirror-sync-{{ path }}:
  cmd.run:
    - name: {{ rsync | yaml_dquote }}
    - unless: {{ ('test -z "$(' ~ rsync ~ ' --dry-run --itemize-changes)"') | yaml_dquote }}
    - require:
      - pkg: mirror-packages
      - file: mirror-root
  cron.present:
    - name: {{ (rsync ~ ' --quiet') | yaml_dquote }}
    - identifier: halite-mirror-sync-{{ path }}
    - user: root
    - minute: {{ mirror.sync_minute | yaml_dquote }}
    - require:
      - cmd: mirror-sync-{{ path }}
{%- endfor %}

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
