#!/usr/bin/env bash
# Brings the OIC-VET portal up on one Debian 12 machine, from Debian's packages (nginx,
# PostgreSQL, Redis) and the project's pinned requirements, behind nginx over HTTPS:
#
#   bash deploy/install-debian.sh https://oicvet.example.org          (as root)
#   bash deploy/install-debian.sh --dry-run https://oicvet.example.org  (prints each step, changes nothing)
#
# Run it again at any time, and after each upgrade of the code: every step leaves what
# is already right as it is (the settings file and its SECRET_KEY are kept), copies the
# new code, migrates the database and restarts the app processes one after the other.
# The README's "Production" section walks through it.
set -euo pipefail
# What this script makes is readable by the site's user and nginx; the secrets get modes of their own.
umask 022

usage() {
  cat <<'EOF'
Usage: bash deploy/install-debian.sh [options] [PUBLIC_URL]

PUBLIC_URL    the address visitors use, https://host (needed the first time; then read
              from /etc/oicvet/oicvet.env unless given again)

Options:
  --prefix DIR      where the code and its virtual environment go (default /srv/oicvet);
                    the folder of this checkout itself means: use it in place, copy nothing
  --ports LIST      the app processes' ports on 127.0.0.1, comma-separated (default 8001,8002)
  --cert FILE       the certificate (full chain) for nginx; with --key. Default: the one
  --key FILE        named in the nginx site already installed, else a self-signed one
  --no-systemd      where systemd is not running (a container): start the app processes
                    and nginx in the background (no restart after a crash or a reboot)
  --dry-run         print each step and change nothing (root not needed)
  -h, --help        this help
EOF
}

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/srv/oicvet
PORTS="8001,8002"
CERT=""
KEY=""
NO_SYSTEMD=0
DRY_RUN=0
PUBLIC_URL=""

APP_USER=oicvet
DATABASE=oicvet
ENV_DIR=/etc/oicvet
ENV_FILE=$ENV_DIR/oicvet.env
BACKUPS=/var/backups/oicvet
FLASK_COMMAND=/usr/local/sbin/oicvet-flask
NGINX_SITE=/etc/nginx/sites-available/oicvet
DEFAULT_CERT=/etc/ssl/certs/oicvet.pem
DEFAULT_KEY=/etc/ssl/private/oicvet.key
# Used without systemd only.
RUN_DIR=/run/oicvet
LOG_DIR=/var/log/oicvet
PACKAGES=(nginx postgresql postgresql-client redis-server python3-venv openssl rsync curl)
# Debian's own Python, whatever else root's PATH finds first: the site's user must be able to run it.
PYTHON=/usr/bin/python3
# Without systemd and --no-systemd: the commands printed at the end.
LATER=()

die() {
  printf 'install-debian: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift 2 ;;
    --ports) PORTS="${2:?--ports needs a list}"; shift 2 ;;
    --cert) CERT="${2:?--cert needs a file}"; shift 2 ;;
    --key) KEY="${2:?--key needs a file}"; shift 2 ;;
    --no-systemd) NO_SYSTEMD=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [ -z "$PUBLIC_URL" ] || die "one PUBLIC_URL only"; PUBLIC_URL="$1"; shift ;;
  esac
done

# -- helpers ---------------------------------------------------------------------------------

step() {
  printf '\n== %s\n' "$*"
}

say() {
  printf '   %s\n' "$*"
}

# Prints a command, then runs it (unless --dry-run).
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [ "$DRY_RUN" = 0 ]; then
    "$@"
  fi
}

# write_file PATH MODE OWNER:GROUP [SHOWN], the content on standard input: written beside PATH,
# then renamed over it, so that nothing reads a half-written file. A dry run prints the content,
# or only its lines that match the pattern SHOWN.
write_file() {
  local path=$1 mode=$2 owner=$3 shown=${4:-} partial
  if [ "$DRY_RUN" = 1 ]; then
    if [ -n "$shown" ]; then
      printf '+ write %s (mode %s, owner %s), with these lines:\n' "$path" "$mode" "$owner"
      grep -E "$shown" | sed 's/^/      | /' || true
    else
      printf '+ write %s (mode %s, owner %s):\n' "$path" "$mode" "$owner"
      sed 's/^/      | /'
    fi
    return
  fi
  printf '+ write %s (mode %s, owner %s)\n' "$path" "$mode" "$owner"
  partial="$(mktemp "$path.XXXXXX")"
  cat >"$partial"
  chmod "$mode" "$partial"
  chown "$owner" "$partial"
  mv -f "$partial" "$path"
}

# True when the query prints something (always false in a dry run, so that the steps show).
psql_finds() {
  [ "$DRY_RUN" = 0 ] || return 1
  [ -n "$(runuser -u postgres -- psql -XtAc "$1")" ]
}

systemd_running() {
  [ -d /run/systemd/system ]
}

# Waits until the app process on PORT answers its readiness check.
wait_ready() {
  local port=$1
  printf '+ wait for http://localhost:%s/readyz\n' "$port"
  [ "$DRY_RUN" = 0 ] || return 0
  "$PYTHON" - "$port" <<'EOF' || die "the app process on port $port is not ready: see its log"
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/readyz"
deadline = time.monotonic() + 90
while True:
    try:
        request = urllib.request.Request(url, headers={"Host": "localhost"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            if answer.status == 200:
                break
    except Exception as error:
        if time.monotonic() > deadline:
            sys.exit(f"   {url}: {error}")
    time.sleep(1)
EOF
}

# -- what to do ------------------------------------------------------------------------------

# The folder goes into unit files, nginx's site and shell commands: plain characters only.
[[ "$PREFIX" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "--prefix must be an absolute path of letters, digits, . _ - /"
PREFIX="${PREFIX%/}"
IN_PLACE=0
if [ -d "$PREFIX" ] && [ "$(cd "$PREFIX" && pwd -P)" = "$(cd "$SOURCE" && pwd -P)" ]; then
  IN_PLACE=1
else
  # The copy removes from the folder whatever the code does not have: never a folder of other files.
  case "$SOURCE/" in "$PREFIX"/*) die "the checkout is inside --prefix $PREFIX" ;; esac
  case "$PREFIX/" in "$SOURCE"/*) die "--prefix $PREFIX is inside the checkout" ;; esac
  if [ -d "$PREFIX" ] && [ -n "$(ls -A "$PREFIX")" ] && [ ! -f "$PREFIX/wsgi.py" ]; then
    die "$PREFIX holds other files: give a new or empty folder, or the one of an earlier install"
  fi
fi

IFS=',' read -r -a PORT_LIST <<<"$PORTS"
[ "${#PORT_LIST[@]}" -gt 0 ] || die "--ports needs at least one port"
for port in "${PORT_LIST[@]}"; do
  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    die "not a port from 1024 to 65535: $port"
  fi
done

if [ -z "$PUBLIC_URL" ] && [ -r "$ENV_FILE" ]; then
  PUBLIC_URL="$(sed -n 's/^PUBLIC_URL=//p' "$ENV_FILE" | tail -n 1)"
fi
[ -n "$PUBLIC_URL" ] || { usage >&2; die "give PUBLIC_URL, e.g. https://oicvet.example.org"; }
# The site answers at the root of one host over HTTPS (nginx redirects port 80 there).
[[ "$PUBLIC_URL" =~ ^https://([A-Za-z0-9.-]+)/?$ ]] \
  || die "PUBLIC_URL must look like https://oicvet.example.org, not $PUBLIC_URL"
HOST="${BASH_REMATCH[1]}"
PUBLIC_URL="${PUBLIC_URL%/}"

if [ -n "$CERT$KEY" ]; then
  if [ -z "$CERT" ] || [ -z "$KEY" ]; then
    die "--cert and --key go together"
  fi
  [ "$DRY_RUN" = 1 ] || { [ -r "$CERT" ] && [ -r "$KEY" ]; } || die "cannot read $CERT or $KEY"
elif [ -r "$NGINX_SITE" ]; then
  CERT="$(sed -n 's/^ *ssl_certificate  *\([^ ;]*\);.*/\1/p' "$NGINX_SITE" | head -n 1)"
  KEY="$(sed -n 's/^ *ssl_certificate_key  *\([^ ;]*\);.*/\1/p' "$NGINX_SITE" | head -n 1)"
fi
CERT="${CERT:-$DEFAULT_CERT}"
KEY="${KEY:-$DEFAULT_KEY}"
for file in "$CERT" "$KEY"; do
  [[ "$file" =~ ^/[A-Za-z0-9._/@+-]+$ ]] || die "give the certificate and key by absolute paths without spaces: $file"
done

if systemd_running; then
  MODE=systemd
elif [ "$NO_SYSTEMD" = 1 ]; then
  MODE=background
else
  MODE=print
fi

[ "$DRY_RUN" = 1 ] || [ "$(id -u)" = 0 ] || die "run as root (or with --dry-run)"
if [ ! -r /etc/debian_version ]; then
  say "warning: this is not Debian; the script is made for Debian 12"
elif [[ "$(cat /etc/debian_version)" != 12* ]]; then
  say "warning: Debian $(cat /etc/debian_version); the script is made for Debian 12"
fi

step "The OIC-VET portal at $PUBLIC_URL"
if [ "$IN_PLACE" = 1 ]; then
  say "code: this checkout, used in place ($PREFIX)"
else
  say "code: copied from $SOURCE to $PREFIX"
fi
say "app processes: ${PORT_LIST[*]/#/127.0.0.1:}"
case "$MODE" in
  systemd) say "services: systemd units (oicvet@PORT, oicvet-backup.timer)" ;;
  background) say "services: systemd is not running; the app processes and nginx are started in the background" ;;
  print) say "services: systemd is not running (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown));" \
             "the commands that start the app processes and nginx are printed at the end" ;;
esac
[ "$DRY_RUN" = 0 ] || say "dry run: nothing is changed"

# -- 1. Debian's packages --------------------------------------------------------------------

step "Debian's packages"
run apt-get update -q
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"

# PostgreSQL and Redis run before anything else: the database is made and migrated below.
if [ "$MODE" = systemd ]; then
  run systemctl enable --now postgresql redis-server
else
  # Debian's init scripts, as used without systemd; left alone when they already answer.
  if [ "$DRY_RUN" = 1 ] || ! runuser -u postgres -- pg_isready -q 2>/dev/null; then
    run service postgresql start
  fi
  if [ "$DRY_RUN" = 1 ] || ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    run service redis-server start
  fi
fi
if [ "$DRY_RUN" = 0 ]; then
  for _ in $(seq 60); do
    runuser -u postgres -- pg_isready -q && break
    sleep 1
  done
  runuser -u postgres -- pg_isready -q || die "PostgreSQL does not answer"
fi

# -- 2. The system user, the code, the virtual environment ------------------------------------

step "The system user $APP_USER, the code in $PREFIX"
if ! id -u "$APP_USER" >/dev/null 2>&1; then
  run useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$APP_USER"
fi
if [ "$IN_PLACE" = 0 ]; then
  run install -d -m 0755 "$PREFIX"
  # The code belongs to root and is read-only to the site; its instance folder (uploads, mail
  # waiting to be sent) and virtual environment are left out of the copy, and so kept.
  run rsync -a --delete --chown=root:root --chmod=Dgo+rx,Dgo-w,Fgo+r,Fgo-w \
    --exclude=/.git/ --exclude=/.venv/ --exclude=/instance/ --exclude=/node_modules/ \
    --exclude=/test-artifacts/ --exclude=__pycache__/ --exclude=/.pytest_cache/ --exclude=/.ruff_cache/ \
    "$SOURCE/" "$PREFIX/"
else
  case "$PREFIX" in
    /home/*|/root/*) say "warning: $PREFIX is under /home or /root, which the services cannot see" \
                         "(ProtectHome); use --prefix /srv/oicvet" ;;
  esac
fi
run install -d -o "$APP_USER" -g "$APP_USER" -m 0750 "$PREFIX/instance" "$PREFIX/instance/uploads"
run install -d -o "$APP_USER" -g "$APP_USER" -m 0750 "$BACKUPS"

if [ "$DRY_RUN" = 1 ] || ! grep -qx "home = ${PYTHON%/*}" "$PREFIX/.venv/pyvenv.cfg" 2>/dev/null; then
  if [ -e "$PREFIX/.venv" ]; then
    say "$PREFIX/.venv is not made from Debian's Python: made again"
    run rm -rf "$PREFIX/.venv"
  fi
  run "$PYTHON" -m venv "$PREFIX/.venv"
fi
run "$PREFIX/.venv/bin/pip" install -q --no-input --disable-pip-version-check -r "$PREFIX/requirements.txt"
# Compiled once here: the services cannot write into the code's folders.
run "$PREFIX/.venv/bin/python" -m compileall -q "$PREFIX/oicvet" "$PREFIX/plugins" "$PREFIX/config.py" \
  "$PREFIX/wsgi.py"

# -- 3. The database -------------------------------------------------------------------------

step "PostgreSQL: the role and database $DATABASE (peer authentication: the system user $APP_USER)"
if psql_finds "SELECT 1 FROM pg_roles WHERE rolname = '$APP_USER'"; then
  say "the role $APP_USER exists"
else
  run runuser -u postgres -- createuser "$APP_USER"
fi
if psql_finds "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'"; then
  say "the database $DATABASE exists"
else
  # UTF-8 whatever the machine's locale: the content is in Arabic, French and English.
  run runuser -u postgres -- createdb --owner="$APP_USER" --encoding=UTF8 --locale=C.UTF-8 \
    --template=template0 "$DATABASE"
fi

# -- 4. The settings -------------------------------------------------------------------------

step "The settings: $ENV_FILE"
run install -d -o root -g "$APP_USER" -m 0750 "$ENV_DIR"
if [ "$DRY_RUN" = 1 ] || [ ! -f "$ENV_FILE" ]; then
  if [ "$DRY_RUN" = 1 ]; then
    SECRET_KEY="made-when-the-file-is-written"
  else
    SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(48))')"
  fi
  # Two app processes share the machine's cores: about one worker per core each.
  WORKERS=$(( $(nproc) + 1 ))
  write_file "$ENV_FILE" 0640 "root:$APP_USER" <<EOF
# The OIC-VET portal's settings (the README's "Configuration" lists them all), read by
# its services and by oicvet-flask. Made by deploy/install-debian.sh, which keeps this
# file when it runs again. After a change, restart the app processes one after the other:
#   systemctl restart oicvet@${PORT_LIST[0]}   (and each other port)
# One KEY=value a line, no comment after a value; put a value with spaces in double quotes.

OICVET_CONFIG=production
# Signs sessions: changing it logs everyone out. Keep it secret.
SECRET_KEY=$SECRET_KEY
PUBLIC_URL=$PUBLIC_URL
# The health checks of each app process: curl http://localhost:${PORT_LIST[0]}/readyz
ALLOWED_HOSTS=localhost
# nginx is the one proxy in front of the site.
PROXY_COUNT=1
DATABASE_URL=postgresql://$APP_USER@/$DATABASE?host=/var/run/postgresql
# Rate limits and the page caches' content version, shared by every app process.
REDIS_URL=redis://127.0.0.1:6379/0
UPLOAD_FOLDER=$PREFIX/instance/uploads
# gunicorn workers per app process (unset: 2 per core + 1, at most 8).
GUNICORN_WORKERS=$WORKERS
# text, or json (one JSON object a line).
LOG_FORMAT=text

# E-mail. With MAIL_SERVER empty, messages are written as files to $PREFIX/instance/mail/.
MAIL_SERVER=
MAIL_PORT=587
# starttls, ssl or none
MAIL_SECURITY=starttls
MAIL_USERNAME=
MAIL_PASSWORD=
MAIL_SENDER="OIC-VET <no-reply@$HOST>"
EOF
else
  say "kept (its SECRET_KEY stays: a new one would log everyone out)"
  if ! grep -qx "PUBLIC_URL=$PUBLIC_URL" "$ENV_FILE"; then
    run sed -i "s|^PUBLIC_URL=.*|PUBLIC_URL=$PUBLIC_URL|" "$ENV_FILE"
  fi
fi

# Any `flask` command, as the site's user, with its settings: oicvet-flask setup, oicvet-flask
# accounts create-admin ..., oicvet-flask backup restore ...
write_file "$FLASK_COMMAND" 0755 root:root <<EOF
#!/bin/sh
# \`flask --app wsgi ARGS\` for the OIC-VET portal, as its user $APP_USER, with its settings
# ($ENV_FILE). Run as root. Written by deploy/install-debian.sh.
set -e
exec runuser -u $APP_USER -- sh -c 'set -a; . $ENV_FILE; set +a; cd $PREFIX; exec .venv/bin/flask --app wsgi "\$@"' oicvet-flask "\$@"
EOF

# -- 5. Migrations and the shipped content ---------------------------------------------------

step "The database's tables and the shipped content (flask setup)"
run "$FLASK_COMMAND" setup

# -- 6. The app processes and the daily backup -----------------------------------------------

gunicorn_command() {
  local port=$1
  printf '%s' "runuser -u $APP_USER -- sh -c 'set -a; . $ENV_FILE; set +a; cd $PREFIX; exec .venv/bin/gunicorn" \
    " -c gunicorn.conf.py --bind 127.0.0.1:$port --daemon --pid $RUN_DIR/$port.pid" \
    " --error-logfile $LOG_DIR/$port.log --capture-output wsgi:app'"
}

step "The app processes"
if [ "$MODE" = systemd ]; then
  for unit in oicvet@.service oicvet-backup.service oicvet-backup.timer; do
    sed "s#/srv/oicvet#$PREFIX#g" "$SOURCE/deploy/systemd/$unit" | write_file "/etc/systemd/system/$unit" 0644 root:root
  done
  run systemctl daemon-reload
  units=()
  for port in "${PORT_LIST[@]}"; do
    units+=("oicvet@$port")
  done
  run systemctl enable "${units[@]}" oicvet-backup.timer
  # One after the other, each ready before the next restarts: nginx sends requests to the one
  # that runs, so an upgrade keeps the site up.
  for port in "${PORT_LIST[@]}"; do
    run systemctl restart "oicvet@$port"
    wait_ready "$port"
  done
  run systemctl start oicvet-backup.timer
else
  run install -d -o "$APP_USER" -g "$APP_USER" -m 0750 "$RUN_DIR" "$LOG_DIR"
  for port in "${PORT_LIST[@]}"; do
    pidfile="$RUN_DIR/$port.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      # Running: HUP makes gunicorn start workers with the new code, then stop the old ones.
      command="kill -HUP $(cat "$pidfile")"
    else
      command="$(gunicorn_command "$port")"
    fi
    if [ "$MODE" = background ]; then
      printf '+ %s\n' "$command"
      [ "$DRY_RUN" = 1 ] || sh -c "$command"
      wait_ready "$port"
    else
      LATER+=("$command")
    fi
  done
fi

# -- 7. nginx --------------------------------------------------------------------------------

step "nginx: $HOST over HTTPS, in front of ${PORT_LIST[*]/#/127.0.0.1:}"
if [ "$CERT" = "$DEFAULT_CERT" ] && [ "$KEY" = "$DEFAULT_KEY" ] && [ ! -f "$CERT" ] && [ ! -f "$KEY" ]; then
  say "No certificate was given: a self-signed one is made for $HOST. Browsers will warn about it."
  say "Replace it with a real one (e.g. from Let's Encrypt, Debian's certbot) and run this again with"
  say "--cert /path/fullchain.pem --key /path/privkey.pem."
  run openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$HOST" \
    -addext "subjectAltName=DNS:$HOST" -keyout "$KEY" -out "$CERT"
  run chmod 0600 "$KEY"
fi
[ "$DRY_RUN" = 1 ] || [ -r "$CERT" ] || die "no certificate at $CERT"

# The shipped site, its lines marked EDIT set for this machine; refused if one is missing.
site="$("$PYTHON" - "$SOURCE/deploy/nginx/oicvet.conf" "$HOST" "$CERT" "$KEY" "$PREFIX" "${PORT_LIST[@]}" <<'EOF'
import sys
source, host, cert, key, prefix, *ports = sys.argv[1:]
text = open(source, encoding="utf-8").read()
replacements = {
    "    server 127.0.0.1:8001;  # EDIT: one line per app process or machine\n    server 127.0.0.1:8002;\n":
        "".join(f"    server 127.0.0.1:{port};\n" for port in ports),
    "server_name oicvet.example.org;": f"server_name {host};",
    "/etc/ssl/certs/oicvet.pem;": f"{cert};",
    "/etc/ssl/private/oicvet.key;": f"{key};",
    "alias /srv/oicvet/oicvet/static/;": f"alias {prefix}/oicvet/static/;",
}
for old, new in replacements.items():
    if old not in text:
        sys.exit(f"deploy/nginx/oicvet.conf no longer has {old!r}")
    text = text.replace(old, new)
sys.stdout.write(text)
EOF
)"
printf '%s\n' "$site" | write_file "$NGINX_SITE" 0644 root:root \
  '^ *(server 127|server_name|ssl_certificate|alias|access_log)' 
run ln -sfn ../sites-available/oicvet /etc/nginx/sites-enabled/oicvet
if [ -e /etc/nginx/sites-enabled/default ] || [ -L /etc/nginx/sites-enabled/default ]; then
  # Debian's welcome site also claims to be the default server on port 80.
  run rm /etc/nginx/sites-enabled/default
fi
run nginx -t -q
case "$MODE" in
  systemd)
    run systemctl enable nginx
    run systemctl reload-or-restart nginx ;;
  *)
    if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
      command="nginx -s reload"
    else
      command="service nginx start"
    fi
    if [ "$MODE" = background ]; then
      printf '+ %s\n' "$command"
      [ "$DRY_RUN" = 1 ] || sh -c "$command"
    else
      LATER+=("$command")
    fi ;;
esac

# -- Done ------------------------------------------------------------------------------------

step "Done"
if [ "$MODE" = print ]; then
  say "systemd is not running here, so no service was installed, and the app processes and nginx"
  say "were not started. Start them by hand (or run this again with --no-systemd, which does it):"
  printf '     %s\n' "${LATER[@]}"
  say "and make a backup each day, e.g. with cron: $FLASK_COMMAND backup create --output $BACKUPS"
fi
say "The site: $PUBLIC_URL (each app process: curl http://localhost:${PORT_LIST[0]}/readyz)"
say "The first administrator: $FLASK_COMMAND accounts create-admin EMAIL --name \"Your Name\""
say "The settings: $ENV_FILE (then restart the app processes)"
