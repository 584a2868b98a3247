{% from 'postfix/map.jinja' import postfix with context %}
# Postfix on every host: a satellite that hands all mail to the level's mail relay (its address
# from the inventory), listening on loopback only. Installed without Debian's own configuration
# step: main.cf is entirely ours.

postfix-debconf:
  debconf.set:
    - name: postfix
    - data:
        'postfix/main_mailer_type': {type: select, value: 'No configuration'}

postfix:
  pkg.installed:
    - pkgs:
      - {{ postfix.package }}
      - bsd-mailx
    - require:
      - debconf: postfix-debconf
  file.managed:
    - name: {{ postfix.config }}
    - source: salt://postfix/files/main.cf.jinja
    - template: jinja
    - context:
        postfix: {{ postfix | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: postfix
  service.running:
    - name: {{ postfix.service }}
    - enable: True
    - watch:
      - file: postfix
      - file: /etc/mailname
    - require:
      - pkg: postfix

/etc/mailname:
  file.managed:
    - contents: {{ grains['id'] }}
    - user: root
    - group: root
    - mode: '0644'

postfix-root-alias:
  file.managed:
    - name: /etc/aliases
    - contents: |
        # managed by halite
        postmaster: root
        root: {{ postfix.root_alias }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: postfix

postfix-newaliases:
  cmd.run:
    - name: /usr/bin/newaliases
    - onchanges:
      - file: postfix-root-alias
    - require:
      - file: postfix
