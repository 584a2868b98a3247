{% from 'unattended_upgrades/map.jinja' import unattended_upgrades as uu with context %}
# Security upgrades installed every day (apt's daily job, run by cron where there is no systemd),
# from the origins in pillar `unattended_upgrades:origins`; reports mailed through the mail relay.

unattended-upgrades:
  pkg.installed:
    - pkgs:
      - {{ uu.package }}
      - cron

/etc/apt/apt.conf.d/20auto-upgrades:
  file.managed:
    - contents: |
        // managed by halite
        APT::Periodic::Update-Package-Lists "1";
        APT::Periodic::Unattended-Upgrade "1";
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: unattended-upgrades

/etc/apt/apt.conf.d/50unattended-upgrades:
  file.managed:
    - source: salt://unattended_upgrades/files/50unattended-upgrades.jinja
    - template: jinja
    - context:
        uu: {{ uu | json }}
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - pkg: unattended-upgrades
