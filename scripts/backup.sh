#!/bin/bash
# One compressed dump of the database into BACKUP_DIR, then dumps older than BACKUP_KEEP_DAYS days deleted.
# Run by docker-compose.yml's backup service once a day; by CI and `make restore-drill` against a local database.
# The connection comes from libpq's variables (PGHOST, PGUSER, PGPASSWORD, PGDATABASE) or DATABASE_URL.
# A plain SQL dump, gzipped: any psql of the same major version or newer restores it (scripts/restore_drill.sh).
set -euo pipefail
dir="${BACKUP_DIR:-./backups}"
keep="${BACKUP_KEEP_DAYS:-14}"
mkdir -p "$dir"
stamp="$(date -u +%Y%m%d-%H%M%S)"
partial="$dir/.peersupport-$stamp.sql.gz.partial"
final="$dir/peersupport-$stamp.sql.gz"
# Written under another name first: a dump cut short never looks like the latest good one.
if [ -n "${DATABASE_URL:-}" ]; then
  pg_dump --no-owner --no-privileges --dbname="$DATABASE_URL" | gzip -9 > "$partial"
else
  pg_dump --no-owner --no-privileges | gzip -9 > "$partial"
fi
mv "$partial" "$final"
find "$dir" -name 'peersupport-*.sql.gz' -mtime "+$keep" -delete
echo "backup: $final ($(wc -c < "$final") bytes); dumps older than $keep days removed"
