{% from 'apt/map.jinja' import apt with context %}
# The level's package mirror as this host's only apt source: /etc/apt/sources.list names the
# sources host and nothing else (what the machine was installed from is replaced), and the package
# lists are refreshed when it changes. Runs before any package is installed (base includes it
# first). Hosts without a mirror (see map.jinja) keep their sources as installed.
{%- if apt.mirror.url %}

apt-mirror:
  pkgrepo.managed:
    - name: {{ apt.mirror.line | yaml_dquote }}
    - file: {{ apt.sources_list }}
    - clean_file: True
{%- endif %}
