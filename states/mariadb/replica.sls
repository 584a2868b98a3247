{% from 'mariadb/map.jinja' import mariadb with context %}
# A replica (db): read-only, following the level's masterdb by GTID (the primary's address from the
# inventory, the replication password from the private pillar). Like the primary's setup, the
# CHANGE MASTER script is re-applied whenever it differs from the copy applied last: a new primary
# address or password re-points the replica, a fresh replica starts replicating. A fresh replica
# replays the primary's binary logs from their start, which holds while the primary keeps them all
# (binlog_expire_days); a larger database needs a copy (mariabackup) first.
include:
  - mariadb

{%- set primary = inventory.ips('masterdb') | first | default('') %}
{%- set script = mariadb.setup_dir ~ '/replica.sql' %}
{%- set applied = mariadb.datadir ~ '/halite-replica.sql' %}
{%- if primary %}

mariadb-replica-sql:
  file.managed:
    - name: {{ script }}
    - source: salt://mariadb/files/replica.sql.jinja
    - template: jinja
    - context:
        mariadb: {{ mariadb | json }}
        primary: {{ primary }}
    - user: root
    - group: root
    - mode: '0600'
    - show_changes: False
    - require:
      - file: mariadb-setup-dir

mariadb-replica-apply:
  cmd.run:
    - name: /usr/bin/mariadb --batch < {{ script }} && install -m 0600 {{ script }} {{ applied }}
    - unless: cmp -s {{ script }} {{ applied }}
    - require:
      - file: mariadb-replica-sql
      - service: mariadb
{%- else %}

mariadb-replica-no-primary:
  test.fail_without_changes:
    - name: no masterdb host of level {{ grains.get('level', '?') }} has reported an address yet; converge the masterdb first
{%- endif %}
