# Administrator accounts from the private pillar `admins` (name → fullname, ssh_keys): key-only
# logins (no password is ever set) in group sudo, which may use sudo without a password.
# An account listed under `admins_removed` is deleted with its home.
sudo:
  pkg.installed: []

/etc/sudoers.d/admins:
  file.managed:
    - contents: |
        # managed by halite: members of group sudo (the administrators) need no password
        %sudo ALL=(ALL:ALL) NOPASSWD: ALL
    - user: root
    - group: root
    - mode: '0440'
    - check_cmd: /usr/sbin/visudo -c -f
    - require:
      - pkg: sudo

{%- for name, admin in salt['pillar.get']('admins', {}) | dictsort %}

admin-{{ name }}:
  user.present:
    - name: {{ name }}
    - fullname: {{ admin.get('fullname', name) | yaml_dquote }}
    - shell: /bin/bash
    - home: /home/{{ name }}
    - groups:
      - sudo
    - require:
      - pkg: sudo
  ssh_auth.present:
    - user: {{ name }}
    - names: {{ admin.get('ssh_keys', []) | json }}
    - require:
      - user: admin-{{ name }}
{%- endfor %}

{%- for name in salt['pillar.get']('admins_removed', []) %}

admin-removed-{{ name }}:
  user.absent:
    - name: {{ name }}
    - purge: True
{%- endfor %}
