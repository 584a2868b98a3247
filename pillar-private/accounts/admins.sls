# EXAMPLE VALUES ONLY: these administrators do not exist. The keys are throw-away public keys whose
# private halves were never kept, so nobody can log in with them. Replace with your own admins.
admins:
  alice:
    fullname: Alice Example (example account)
    ssh_keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF02xsYkXTbVDGMAq/gSRUNViROEHt7+7d1g/VUOLDG1 alice@example.invalid
  bob:
    fullname: Bob Example (example account)
    ssh_keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDE9pjBVXVHXQX1Cm0GMqQwHOFIn9434k7Q4a7RpcdOt bob@example.invalid
