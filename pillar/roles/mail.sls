# The mail relay: accepts mail from the level's network only, signs it with OpenDKIM (the key is in
# the private pillar) and delivers mail for the level's domain here.
postfix:
  mode: relay
  milter: inet:127.0.0.1:8891     # opendkim:port
opendkim:
  selector: mail
  # the DNS TXT record to publish as mail._domainkey.<domain> for the example key:
  # v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhweKHBu5g/2y4MwYx6GNolH+qGl2Lhl/CbWqcZN9XKrU5YCjvqQzxzsmEQxyE3YfLblxJGyn8qWe2+gPxfgjfik+VL/vsuQ4QhKMu89gv2a1BDfHipG493wIxeDDQs2jCzKar8m/21oY96n8fJo2Wf6FVqgWdQ/qBI7DAgvRahgwCniYQPHXzjyhaqH1aDFifLWLZQxSzFUGFJj35Vxtrdx+7TToNLD8HQueBCpHzogJKrvmXOyEFKXkMIE7SauQ0pg9+hDp2Q8u9ZOovgn6Na3lHER8S8LqNRljm92TWcCqQt93nd+KqbqnmXUzI4GYCNlFh221GNcHOk1BhNYdZwIDAQAB
