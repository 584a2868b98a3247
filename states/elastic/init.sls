{% from 'elastic/map.jinja' import elastic with context %}
# Elasticsearch from Elastic's apt repository, one node per elastic host, the level's elastic hosts
# forming one cluster. The configuration is written first (the system account the package would
# create, elasticsearch.yml, the heap), then the repository, whose signed-by keyring is the key
# shipped in this formula's files/, the package and the service, which starts after its
# configuration and restarts when it changes. `elastic:install: False` stops after the
# configuration: no repository, package or service (the example levels ship it so, as their hosts
# cannot reach Elastic's repository; docs/platform.md).

elastic-group:
  group.present:
    - name: {{ elastic.group }}
    - system: True

elastic-user:
  user.present:
    - name: {{ elastic.user }}
    - gid: {{ elastic.group }}
    - system: True
    - home: /nonexistent
    - createhome: False
    - shell: /bin/false
    - require:
      - group: elastic-group

elastic-config-dir:
  file.directory:
    - name: {{ elastic.config_dir }}
    - user: root
    - group: {{ elastic.group }}
    - mode: '2750'
    - require:
      - group: elastic-group

elastic-jvm-options-dir:
  file.directory:
    - name: {{ elastic.config_dir }}/jvm.options.d
    - user: root
    - group: {{ elastic.group }}
    - mode: '2750'
    - require:
      - file: elastic-config-dir

elastic-config:
  file.managed:
    - name: {{ elastic.config_dir }}/elasticsearch.yml
    - source: salt://elastic/files/elasticsearch.yml.jinja
    - template: jinja
    - context:
        elastic: {{ elastic | json }}
    - user: root
    - group: {{ elastic.group }}
    - mode: '0660'
    - require:
      - file: elastic-config-dir

elastic-heap:
  file.managed:
    - name: {{ elastic.config_dir }}/jvm.options.d/heap.options
    - source: salt://elastic/files/heap.options.jinja
    - template: jinja
    - context:
        heap: {{ elastic.heap | json }}
    - user: root
    - group: {{ elastic.group }}
    - mode: '0660'
    - require:
      - file: elastic-jvm-options-dir
{%- if elastic.install %}
{%- import_text elastic.repo.key_source as key %}

elastic-repo:
  pkgrepo.managed:
    - name: deb [signed-by={{ elastic.repo.keyring }}] {{ elastic.repo.url }} {{ elastic.repo.suite }} {{ elastic.repo.components }}
    - file: {{ elastic.repo.file }}
    - key_text: {{ key | json }}

elasticsearch:
  pkg.installed:
    - name: {{ elastic.package }}
{%- if elastic.version %}
    - version: {{ elastic.version | json }}
{%- endif %}
    - require:
      - pkgrepo: elastic-repo
      - user: elastic-user
      - file: elastic-config
      - file: elastic-heap
  service.running:
    - name: {{ elastic.service }}
    - enable: True
    - require:
      - pkg: elasticsearch
      - sysctl: elastic-max-map-count
    - watch:
      - file: elastic-config
      - file: elastic-heap

elastic-max-map-count:
  sysctl.present:
    - name: vm.max_map_count
    - value: {{ elastic.max_map_count }}
    - require:
      - pkg: elasticsearch
{%- endif %}
