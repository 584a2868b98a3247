{% from 'chrony/map.jinja' import chrony with context %}
# Time sync: chrony following the level's NTP servers (pillar `chrony:servers`, addresses).

chrony:
  pkg.installed:
    - name: {{ chrony.package }}
  file.managed:
    - name: {{ chrony.config }}
    - source: salt://chrony/files/chrony.conf.jinja
    - template: jinja
    - context:
        chrony: {{ chrony | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: chrony
  service.running:
    - name: {{ chrony.service }}
    - enable: True
    - watch:
      - file: chrony
    - require:
      - pkg: chrony
