# EXAMPLE VALUE ONLY: a throw-away public key whose private half was never kept, so nothing can
# clone or push with it. Put the public halves of your own deploy keys here (one per machine or
# pipeline that reads or writes the platform's repositories); a key removed here is revoked on the
# sources host at its next highstate.
sources:
  git:
    deploy_keys:
      platform-deploy: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEVg9VRX6paWbHZHbBKVLuqlNeMNNHelxTmnIM46Ijxk platform-deploy@example.invalid
