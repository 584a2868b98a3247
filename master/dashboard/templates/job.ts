// The job page: the job, its hosts (failed first), each host's states (failed first) with their
// changes and diffs; a running job is followed live (static/live.js).
export const job = `{% extends "layout" %}
{% block title %}Job {{ job.jid }}{% endblock %}
{% block main %}
<h1>Job {{ job.jid }}</h1>
<dl class="facts" id="job" data-jid="{{ job.jid }}" data-status="{{ job.status }}" data-base="{{ base }}">
  <dt>kind</dt><dd>{{ job.kind }}{% if job.test %} (test run: nothing changed){% endif %}</dd>
  <dt>status</dt><dd><span id="job-status" class="badge status-{{ job.status }}">{{ job.status }}</span></dd>
  <dt>started</dt><dd>{{ job.startedAt }} by {{ job.origin }}: {{ job.who }}</dd>
  <dt>duration</dt><dd id="job-duration">{{ job.durationMs | duration }}</dd>
</dl>
{% if job.status == "running" and not live %}<p class="warning">This job is run by another process ({{ job.origin }}: {{ job.who }}), not by this daemon: the page shows what is recorded so far. Reload it to see more.</p>{% endif %}
<table class="hosts">
<thead><tr><th>host</th><th>status</th><th>states</th><th>failed</th><th>changed</th><th>duration</th></tr></thead>
<tbody>
{% for h in hosts %}
<tr id="row-{{ h.host }}"><td><a href="#host-{{ h.host }}">{{ h.host }}</a></td><td><span class="badge status-{{ h.status }}" data-field="status">{{ h.status }}</span></td>
<td data-field="total">{{ h.total }}</td><td data-field="failed">{{ h.failed }}</td><td data-field="changed">{{ h.changed }}</td><td data-field="duration">{{ h.durationMs | duration }}</td></tr>
{% endfor %}
</tbody>
</table>
<div id="host-sections">
{% for h in hosts %}{% set section = h %}{% include "host-section" %}{% endfor %}
</div>
{% endblock %}
{% block scripts %}{% if live %}<script src="{{ base }}/static/live.js"></script>{% endif %}{% endblock %}
`;

export const hostSection = `<section class="host-run status-{{ section.status }}" id="host-{{ section.host }}" data-host="{{ section.host }}">
<h2><a href="{{ base }}/hosts/{{ section.host | urlencode }}">{{ section.host }}</a> <span class="badge status-{{ section.status }}">{{ section.status }}</span></h2>
{% if section.reason %}<p class="reason">{{ section.reason }}</p>{% endif %}
{% for e in section.errors %}<pre class="error">{{ e }}</pre>{% endfor %}
{% for w in section.warnings %}<p class="warning">{{ w }}</p>{% endfor %}
<ol class="live"></ol>
{% for s in section.states %}
<details class="state result-{{ s.outcome }}" data-tag="{{ s.tag }}">
<summary><span class="badge result-{{ s.outcome }}">{{ s.outcome }}</span> <code>{{ s.label }}</code> <span class="comment-line">{{ s.headline }}</span></summary>
<div class="state-body">
<p class="meta">{{ s.tag }} · {{ s.duration_ms | duration }}</p>
{% if s.comment %}<pre class="comment">{{ s.comment }}</pre>{% endif %}
{% for w in s.warnings %}<p class="warning">{{ w }}</p>{% endfor %}
{% for d in s.diffs %}{% if d.label %}<p class="diff-label">{{ d.label }}</p>{% endif %}<pre class="diff">{% for l in d.lines %}<span class="{{ l.cls }}">{{ l.text }}</span>
{% endfor %}</pre>{% endfor %}
{% if s.otherChanges %}<pre class="changes">{{ s.otherChanges }}</pre>{% endif %}
{% if not s.diffs.length and not s.otherChanges %}<p class="none">no changes</p>{% endif %}
</div>
</details>
{% endfor %}
</section>
`;
