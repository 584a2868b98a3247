{% from 'redis/map.jinja' import redis with context %}

redis:
  pkg.installed:
    - name: {{ redis.package }}
  file.managed:
    - name: {{ redis.config }}
    - source: salt://redis/files/redis.conf.jinja
    - template: jinja
    - context:
        redis: {{ redis | json }}
    - user: redis
    - group: redis
    - mode: '0640'
    - require:
      - pkg: redis
  service.running:
    - name: {{ redis.service }}
    - enable: True
    - watch:
      - file: redis
