# EXAMPLE KEY ONLY: this DKIM signing key is public in this repository, so anyone can sign as the
# example domains with it. Generate your own (opendkim-genkey -s mail -d YOUR.DOMAIN) and publish its
# public half as the TXT record <selector>._domainkey.<domain>.
opendkim:
  private_key: |
      -----BEGIN PRIVATE KEY-----
      MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCHB4ocG7mD/bLg
      zBjHoY2iUf6oaXYuGX8Jtapxk31cqtTlgKO+pDPHOyYRDHITdh8tuXEkbKfypZ7b
      6A/F+CN+KT5Uv++y5DhCEoy7z2C/ZrUEN8eKkbj3fAjF4MNCzaMLMpqvyb/bWhj3
      qfx8mjZZ/oVWqBZ1D+oEjsMCC9FqGDAKeJhA8dfOPKFqofVoMWJ8tYtlDFLMVQYU
      mPflXG2t3H7tNOg0sPwdC54EKkfOiAkqu+Zc7IQUpeQwgTtJq5DSmD36EOnZDy71
      k6i+Cfo1reUcRHxLwuo1GWOb3ZNZwKpC33ed34qpuqeZdTMjgZgI2UWHbbUY1wc6
      TUGE1h1nAgMBAAECggEAAR50Jf5kGHGNlWHbmUG6BAP5kYqeMKP4uJ+yCyos0WkL
      Lpr37vP1B7S4I33Y6UAC+cTA6OiLawVYVaqMpAD6OlGZLVxu6bY7iR25gkoC7N7C
      Sllih5FwHscWWsv6kkHgLDHyQAghPfm8+t2EeqpnZaCcsHDI4E/ULSxmx3rVl214
      cKttKwUZI7lujny4pGk4yFdmYUVEA4M3YEK7zf5FKhhhBtSiB24f0XBqyhMdD4lA
      VOxysOzKyYjhyN5wC+GKfhx2nJq0lRpsvdUvU/fxyZ1I98z5h/xYwnsBAlxTeWmd
      dLuqKZxSvoI4k4BBJpiZRWO0YlhHNXYRdUfQmaU4oQKBgQC6/JMnFEv8aCq3uhLV
      8eVeQyxSt/9iFnXb9lh+Jgoa39P6Ha8E+8Rx99GXkYPhZYqrkvRvYV+7aZsCA4ZC
      7j8y0AO91hwiQZuT4g+gqU2sRG50sNNbFq+sjb3kp2M73O0qsXezhbTiJCDQbIRp
      pzIoARdKsmmELLk+ecyaYQMDPwKBgQC43csJLPNuKn4yZ8sZGbbXhXhXIL9fPtkW
      0vORUPv8waZfTT2pbXlzIA8mnMbcdkxcp0RYxG2jJZW0AzkaZzAcshTNdQMMEv3V
      v49PyVDGOP3FnNW4G+9+UE6fpqDmpuht6417gFN1OJyV/+WYZ4Q1afGnE0TEB15Q
      pNHfGjlj2QKBgFgH7Sdq0NNGH0ZcHd4Hghq8uTNAWMVPGbGy6rqJIhzA38VTEEDi
      Xvvg1hXrdhE5gu1/xABj8XQEJevuyNjd3XcIo5pOIPSnup0GwqC61EyT8wSQ8xBh
      P9eW652oiHl4a1e8MUSdYClPJPu6+yPaiSx4RwTttet6OsQFB6Ruo8J1AoGBAKr4
      nSWASCaz8ACoE6LEMGDE1NYnuDXbRyUfthnIPzS02Cy9n/CJCdCabsi0KAqO8fKi
      08gQ6qD/SqOwc2hi1JFFdY3K0SWijtXXkzAkLKsW3ESd1t6uH2G/3eczUQ3ggYff
      WPtGZGk+ETt87hd0bUaFE/QEEw4FDoog1OS0OS2JAoGBAKm3qcq3RvSeDfOFvZRR
      t1x11gAamfD9O4aLP+0ax/g1m+LVsnR/lzBN3yieyhEi239HL8miWVVfikPzhcQ0
      k/GXCijDJDgW0p91LdYkNo2ldZXgHtGjS+n+dpSEVFWb4852clqdneSIroycyj+p
      8v886521+IkUw3WoiTho4ftR
      -----END PRIVATE KEY-----
