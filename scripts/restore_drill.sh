#!/bin/bash
# The restore drill: the newest dump in BACKUP_DIR (or the file given) into a fresh database, then checks that
# it is usable: migrations apply, the audit chain verifies, protected fields decrypt with FIELD_ENCRYPTION_KEYS.
# The fresh database is dropped afterwards, passed or not. Exit 0 only when every check passed.
#
#   DRILL_ADMIN_URL  a database URL on the server where the drill may CREATE DATABASE (e.g. .../postgres)
#   BACKUP_DIR       where the dumps are (default ./backups)
#   PYTHON           the Python with the app's requirements (default python)
# `make restore-drill` runs it on this machine; `docker compose run --rm restore-drill` on the server.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BACKUP_DIR:-./backups}"
python="${PYTHON:-python}"
admin="${DRILL_ADMIN_URL:?set DRILL_ADMIN_URL, e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres}"
dump="${1:-$(ls -1t "$dir"/peersupport-*.sql.gz 2>/dev/null | head -1 || true)}"
if [ -z "$dump" ] || [ ! -f "$dump" ]; then
  echo "restore drill: no dump found in $dir (peersupport-*.sql.gz)" >&2
  exit 1
fi
name="peersupport_restore_drill_$(date -u +%Y%m%d%H%M%S)_$$"
drill_url="${admin%/*}/$name"
cleanup() { psql "$admin" -q -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "restore drill: $dump ($(wc -c < "$dump") bytes, taken $(date -u -r "$dump" '+%Y-%m-%d %H:%M UTC'))"
echo "restore drill: into a fresh database $name"
psql "$admin" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\""
gunzip -c "$dump" | psql "$drill_url" -q -v ON_ERROR_STOP=1 >/dev/null
tables="$(psql "$drill_url" -At -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
echo "restore drill: restored $tables tables"
export DATABASE_URL="$drill_url"
unset DB_POOL
echo "restore drill: migrations"
"$python" manage.py migrate --noinput
echo "restore drill: audit chain"
"$python" manage.py verify_audit_chain
echo "restore drill: encrypted fields"
"$python" manage.py check_encrypted_fields
echo "restore drill: PASSED ($dump is restorable with the configured keys)"
