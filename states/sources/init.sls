# The sources host: git hosting over SSH for the platform's code, and the package mirror every
# other host of its level installs from.
include:
  - sources.git
  - sources.mirror
