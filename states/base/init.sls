# Every VM: where its packages come from, what the machine is for, its administrators, the fleet's names, time, security
# upgrades and log rotation. Mail (postfix) is a formula of its own, applied to every host by top.sls.
include:
  - apt
  - base.motd
  - base.admins
  - base.hosts
  - chrony
  - unattended_upgrades
  - logrotate
