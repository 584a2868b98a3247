{% from 'postfix/map.jinja' import postfix with context %}
# Postfix on every host: a satellite that hands all mail to the level's mail relay (its address
# from the inventory), listening on loopback only; on the mail hosts, the relay itself (see
# map.jinja). Installed without Debian's own configuration step: main.cf is entirely ours. Mail is
# sent as the level's domain (/etc/mailname), so the relay can sign it.

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
    - contents: {{ postfix.domain }}
    - user: root
    - group: root
    - mode: '0644'

postfix-aliases:
  file.managed:
    - name: /etc/aliases
    - contents: |
        # managed by halite
        postmaster: root
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: postfix

postfix-newaliases:
  cmd.run:
    - name: /usr/bin/newaliases
    - onchanges:
      - file: postfix-aliases
    - require:
      - file: postfix
