# A message of the day that says what the machine is for.
base-motd:
  file.managed:
    - name: /etc/motd
    - source: salt://base/files/motd.jinja
    - template: jinja
    - user: root
    - group: root
    - mode: '0644'
