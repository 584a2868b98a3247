# /etc/hosts names every other host of this host's level, with the address each reported to the
# master (the inventory): nothing is resolved at run time. A host converged for the first time
# appears in the files of the hosts of its own and earlier waves at their next run.
{%- for h in inventory.hosts() if h.address and h.id != grains['id'] %}

hosts-{{ h.id }}:
  host.present:
    - name: {{ h.id }}
    - ip: {{ h.address }}
{%- endfor %}
