{% from 'apt/map.jinja' import apt, sources with context %}
# The level's package mirror as this host's only apt source: /etc/apt/sources.list names the
# sources host and nothing else (what the machine was installed from is replaced; further
# repositories of the mirror get a file each), and the package lists are refreshed when they
# change. Runs before any package is installed (base includes it first). Hosts without a mirror
# (see map.jinja) keep their sources as installed.
{%- if apt.mirror.url %}
{%-   for source in sources %}

apt-mirror-{{ loop.index }}:
  pkgrepo.managed:
    - name: {{ source.line | yaml_dquote }}
    - file: {{ source.file }}
    - clean_file: True
{%-   endfor %}
{%- endif %}
