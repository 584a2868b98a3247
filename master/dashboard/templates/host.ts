// The host page: where it stands, its drift (the states its last test-mode highstate found would
// change, with their diffs), a plot of its runs' durations and changes, its run history.
export const host = `{% extends "layout" %}
{% block title %}{{ host.id }}{% endblock %}
{% block main %}
<h1>{{ host.id }}</h1>
<dl class="facts">
  <dt>level</dt><dd>{{ host.level }}</dd>
  <dt>roles</dt><dd>{{ host.roles | join(", ") }}</dd>
  <dt>address</dt><dd>{{ host.address }}</dd>
  <dt>last run</dt><dd>{% if last %}<span class="badge status-{{ last.status }}">{{ last.status }}</span> <a href="{{ base }}/jobs/{{ last.jid }}#host-{{ host.id }}">{{ last.jid }}</a>{% else %}none{% endif %}</dd>
  <dt>drift</dt><dd>{% if drift %}<a href="#drift"><span class="badge {{ "drift" if drift.states.length else "in-line" }}">{{ ("drift " + drift.states.length) if drift.states.length else "in line" }}</span></a>{% else %}never checked{% endif %}</dd>
</dl>
<h2 id="drift">Drift</h2>
{% if drift %}
<p class="drift-check">{{ drift.title }} — <a href="{{ base }}/jobs/{{ drift.jid }}#host-{{ host.id }}">job {{ drift.jid }}</a></p>
{% if drift.states.length %}
<div class="drifted" data-host="{{ host.id }}">
{% for s in drift.states %}
<details class="state result-pending" data-tag="{{ s.tag }}" open>
<summary><span class="badge result-pending">would change</span> <code>{{ s.label }}</code> <span class="comment-line">{{ s.sls }}</span></summary>
<div class="state-body">
{% if s.comment %}<pre class="comment">{{ s.comment }}</pre>{% endif %}
{% for d in s.diffs %}{% if d.label %}<p class="diff-label">{{ d.label }}</p>{% endif %}<pre class="diff">{% for l in d.lines %}<span class="{{ l.cls }}">{{ l.text }}</span>
{% endfor %}</pre>{% endfor %}
{% if s.otherChanges %}<pre class="changes">{{ s.otherChanges }}</pre>{% endif %}
</div>
</details>
{% endfor %}
</div>
{% endif %}
{% else %}<p class="drift-check">Never checked: no test-mode highstate of this host is recorded (a <code>mode: test</code> schedule, or a test run from the fleet page, checks it).</p>{% endif %}
<h2>Runs over time</h2>
{% if plot %}
<svg class="plot" role="img" aria-label="run duration and changes over time" viewBox="0 0 {{ plot.width }} {{ plot.height }}" width="{{ plot.width }}" height="{{ plot.height }}">
  <line class="axis" x1="{{ plot.left }}" y1="{{ plot.bottom }}" x2="{{ plot.right }}" y2="{{ plot.bottom }}"/>
  <line class="axis" x1="{{ plot.left }}" y1="{{ plot.top }}" x2="{{ plot.left }}" y2="{{ plot.bottom }}"/>
  <line class="axis" x1="{{ plot.right }}" y1="{{ plot.top }}" x2="{{ plot.right }}" y2="{{ plot.bottom }}"/>
  <text class="label" x="{{ plot.left - 4 }}" y="{{ plot.top + 4 }}" text-anchor="end">{{ plot.maxDuration | duration }}</text>
  <text class="label" x="{{ plot.left - 4 }}" y="{{ plot.bottom }}" text-anchor="end">0</text>
  <text class="label changes" x="{{ plot.right + 4 }}" y="{{ plot.top + 4 }}">{{ plot.maxChanged }} changed</text>
  <text class="label" x="{{ plot.left }}" y="{{ plot.bottom + 16 }}">{{ plot.from }}</text>
  <text class="label" x="{{ plot.right }}" y="{{ plot.bottom + 16 }}" text-anchor="end">{{ plot.to }}</text>
  {% for b in plot.bars %}<rect class="bar status-{{ b.status }}" x="{{ b.x }}" y="{{ b.y }}" width="{{ b.w }}" height="{{ b.h }}"><title>{{ b.title }}</title></rect>{% endfor %}
  <polyline class="duration" points="{{ plot.line }}"/>
  {% for p in plot.points %}<circle class="point status-{{ p.status }}" cx="{{ p.x }}" cy="{{ p.y }}" r="3"><title>{{ p.title }}</title></circle>{% endfor %}
</svg>
<p class="legend"><span class="key duration"></span> run duration <span class="key changes"></span> states changed</p>
{% else %}<p>No runs yet.</p>{% endif %}
<h2>History</h2>
<table class="runs">
<thead><tr><th>job</th><th>kind</th><th>status</th><th>finished</th><th>states</th><th>failed</th><th>changed</th><th>duration</th></tr></thead>
<tbody>
{% for r in runs %}
<tr><td><a href="{{ base }}/jobs/{{ r.jid }}#host-{{ host.id }}">{{ r.jid }}</a></td><td>{{ r.kind }}{% if r.test %} (test){% endif %}</td>
<td><span class="badge status-{{ r.status }}">{{ r.status }}</span></td><td>{{ r.finishedAt or "" }}</td><td>{{ r.total }}</td><td>{{ r.failed }}</td><td>{{ r.changed }}</td><td>{{ r.durationMs | duration }}</td></tr>
{% else %}<tr><td colspan="8">no runs</td></tr>{% endfor %}
</tbody>
</table>
{% endblock %}
`;
