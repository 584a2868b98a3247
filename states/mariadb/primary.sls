{% from 'mariadb/map.jinja' import mariadb with context %}
# The primary (masterdb): the replication user and every database of pillar `mariadb:databases`
# with its user. halite has no mysql_user/mysql_database states; one idempotent SQL script (CREATE
# ... IF NOT EXISTS, ALTER USER for the current passwords, GRANT) is rendered to a root-only file and
# applied whenever it differs from the copy applied last, which lives in the data directory: a new
# password re-applies it, and so does a wiped data directory.
include:
  - mariadb

{%- set script = mariadb.setup_dir ~ '/primary.sql' %}
{%- set applied = mariadb.datadir ~ '/halite-primary.sql' %}

mariadb-primary-sql:
  file.managed:
    - name: {{ script }}
    - source: salt://mariadb/files/primary.sql.jinja
    - template: jinja
    - context:
        mariadb: {{ mariadb | json }}
    - user: root
    - group: root
    - mode: '0600'
    - show_changes: False
    - require:
      - file: mariadb-setup-dir

mariadb-primary-apply:
  cmd.run:
    - name: /usr/bin/mariadb --batch < {{ script }} && install -m 0600 {{ script }} {{ applied }}
    - unless: cmp -s {{ script }} {{ applied }}
    - require:
      - file: mariadb-primary-sql
      - service: mariadb
