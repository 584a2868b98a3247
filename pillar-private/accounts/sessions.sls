# Demo-only secret: replace in a real deployment.
redis:
  password: demo-redis-session-secret-change-me
