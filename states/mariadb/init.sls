{% from 'mariadb/map.jinja' import mariadb with context %}
# MariaDB server with binary logs and GTIDs, on the private address. The role's SLS
# (mariadb.primary or mariadb.replica) says what the server is for.

mariadb:
  pkg.installed:
    - pkgs: {{ mariadb.packages | json }}
  file.managed:
    - name: {{ mariadb.config }}
    - source: salt://mariadb/files/server.cnf.jinja
    - template: jinja
    - context:
        mariadb: {{ mariadb | json }}
        replica: {{ 'db' in grains.get('roles', []) and 'masterdb' not in grains.get('roles', []) }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: mariadb
  service.running:
    - name: {{ mariadb.service }}
    - enable: True
    - watch:
      - file: mariadb
    - require:
      - pkg: mariadb

mariadb-setup-dir:
  file.directory:
    - name: {{ mariadb.setup_dir }}
    - user: root
    - group: root
    - mode: '0700'
    - require:
      - pkg: mariadb
