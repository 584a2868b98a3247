{% from 'sources/map.jinja' import sources with context %}
{%- set git = sources.git %}
# Git over SSH: `git clone git@<sources host>:platform.git`. The account's login shell is git-shell,
# so a key that logs in can only push and fetch; its authorized_keys holds exactly the deploy keys
# of the private pillar (a key removed there is revoked), each restricted (no forwarding, no pty).
# Bare repositories are created once and never touched again: their content is what was pushed.

git-hosting:
  pkg.installed:
    - name: {{ git.package }}
  user.present:
    - name: {{ git.user }}
    - system: True
    - usergroup: True
    - home: {{ git.home }}
    - createhome: True
    - shell: {{ git.shell }}
    - fullname: git hosting
    - require:
      - pkg: git-hosting

git-home:
  file.directory:
    - name: {{ git.home }}
    - user: {{ git.user }}
    - group: {{ git.user }}
    - mode: '0750'
    - require:
      - user: git-hosting

git-ssh-dir:
  file.directory:
    - name: {{ git.home }}/.ssh
    - user: {{ git.user }}
    - group: {{ git.user }}
    - mode: '0700'
    - require:
      - file: git-home

git-deploy-keys:
  file.managed:
    - name: {{ git.home }}/.ssh/authorized_keys
    - contents: |
        # managed by halite: the deploy keys (private pillar sources:git:deploy_keys)
{%- for name, key in git.deploy_keys | dictsort %}
        {{ (git.key_options | join(',') ~ ' ' if git.key_options else '') ~ key.strip() }}
{%- endfor %}
    - user: {{ git.user }}
    - group: {{ git.user }}
    - mode: '0600'
    - require:
      - file: git-ssh-dir
{%- for repo in git.repositories %}

git-repository-{{ repo }}:
  cmd.run:
    - name: git init --quiet --bare --initial-branch={{ git.default_branch | quote }} {{ (git.home ~ '/' ~ repo) | quote }}
    - runas: {{ git.user }}
    - creates: {{ git.home }}/{{ repo }}/HEAD
    - require:
      - file: git-home
{%- endfor %}
