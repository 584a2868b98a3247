# Where every host installs packages from: the level's sources host (states/apt/map.jinja). The
# sources host here mirrors the test fleet's package repository, one flat repository that is not
# signed, so the hosts trust it as it is: acceptable only on a private network. For a mirror of
# Debian itself, drop this file: the formula's defaults name Debian 12's suites, checked against
# Debian's archive keyring.
apt:
  mirror:
    trusted: True
    repositories:
      - {path: debian, suite: ./, components: []}
