# /etc/hosts names every other host of this host's level, with the address each reported to the
# master (the inventory), or the roster's address for a host that has not reported yet: nothing
# is resolved at run time, and every host is named from the first run on. A host whose address
# changes (a replaced VM) is named at its new address only: `clean` removes its old line.
{%- for h in inventory.hosts() if (h.address or h.roster_address) and h.id != grains['id'] %}

hosts-{{ h.id }}:
  host.present:
    - name: {{ h.id }}
    - ip: {{ h.address or h.roster_address }}
    - clean: True
{%- endfor %}
