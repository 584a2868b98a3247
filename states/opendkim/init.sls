{% from 'opendkim/map.jinja' import opendkim with context %}
# DKIM signing on the mail relay: OpenDKIM on a loopback TCP socket (Postfix's milter, pillar
# `postfix:milter`), signing the level's domain with the key from the private pillar. It is
# running before Postfix (re)starts with the milter configured.
include:
  - postfix

opendkim:
  pkg.installed:
    - pkgs: {{ opendkim.packages | json }}
  file.managed:
    - name: {{ opendkim.config }}
    - source: salt://opendkim/files/opendkim.conf.jinja
    - template: jinja
    - context:
        opendkim: {{ opendkim | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: opendkim
  service.running:
    - name: {{ opendkim.service }}
    - enable: True
    - watch:
      - file: opendkim
      - file: opendkim-defaults
      - file: opendkim-key
    - require_in:
      - service: postfix

opendkim-defaults:
  file.managed:
    - name: {{ opendkim.defaults_file }}
    - contents: |
        # managed by halite: the socket is set in {{ opendkim.config }}
        RUNDIR=/run/opendkim
        USER=opendkim
        GROUP=opendkim
        PIDFILE=$RUNDIR/opendkim.pid
        EXTRAAFTER=
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: opendkim

opendkim-key:
  file.managed:
    - name: {{ opendkim.keydir }}/{{ opendkim.selector }}.private
    - contents_pillar: opendkim:private_key
    - user: opendkim
    - group: opendkim
    - mode: '0600'
    - show_changes: False
    - require:
      - pkg: opendkim
