{% from 'memcached/map.jinja' import memcached with context %}

memcached:
  pkg.installed:
    - name: {{ memcached.package }}
  file.managed:
    - name: {{ memcached.config }}
    - source: salt://memcached/files/memcached.conf.jinja
    - template: jinja
    - context:
        memcached: {{ memcached | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: memcached
  service.running:
    - name: {{ memcached.service }}
    - enable: True
    - watch:
      - file: memcached
    - require:
      - pkg: memcached
