# The package, its configuration from a template, and the service, restarted when the
# configuration changes.
memcached:
  pkg.installed: []
  file.managed:
    - name: /etc/memcached.conf
    - source: salt://memcached.conf.j2
    - template: jinja
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: memcached
  service.running:
    - enable: True
    - require:
      - pkg: memcached
    - watch:
      - file: memcached
