// The page frame every dashboard page extends, and the login page.
export const layout = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}halite{% endblock %} · halite</title>
<link rel="stylesheet" href="{{ base }}/static/style.css">
<link rel="icon" href="{{ base }}/static/icon.svg" type="image/svg+xml">
</head>
<body>
<header class="top">
  <a class="brand" href="{{ base }}/">halite</a>
  {% if user %}
  <nav><a href="{{ base }}/">Fleet</a></nav>
  <form class="logout" method="post" action="{{ base }}/logout">
    <input type="hidden" name="csrf" value="{{ csrf }}">
    <span class="who">{{ user }}</span> <button type="submit">Log out</button>
  </form>
  {% endif %}
</header>
<main>
{% block main %}{% endblock %}
</main>
{% block scripts %}{% endblock %}
</body>
</html>
`;

export const login = `{% extends "layout" %}
{% block title %}Log in{% endblock %}
{% block main %}
<h1>Log in</h1>
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form class="login" method="post" action="{{ base }}/login">
  <input type="hidden" name="next" value="{{ next }}">
  <label>API token <input type="password" name="token" autocomplete="off" required autofocus></label>
  <button type="submit">Log in</button>
</form>
<p class="hint">Create a token on the master with <code>halite token create NAME</code>.</p>
{% endblock %}
`;

export const message = `{% extends "layout" %}
{% block title %}{{ heading }}{% endblock %}
{% block main %}
<h1>{{ heading }}</h1>
<p class="error">{{ text }}</p>
{% for d in details %}<pre class="detail">{{ d }}</pre>{% endfor %}
<p><a href="{{ base }}/">Back to the fleet</a></p>
{% endblock %}
`;
