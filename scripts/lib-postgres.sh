# shellcheck shell=bash
#
# Helpers for a throwaway PostgreSQL cluster used by the test suite.
# Sourced by scripts/test; meant for callers running under `set -euo pipefail`.
#
# Public functions:
#   hansei_pg_find_bindir   print the directory holding initdb/pg_ctl (newest
#                           version first); return 1 if none is found
#   hansei_pg_start BINDIR  create and start a cluster; sets HANSEI_PG_DIR,
#                           HANSEI_PG_PORT and HANSEI_PG_URL
#   hansei_pg_stop          stop the cluster and delete its directory (safe to
#                           call more than once, or when nothing was started)
#
# Knobs (all optional):
#   HANSEI_PG_BINDIR     use this directory instead of searching for one
#   HANSEI_PG_PORT_BASE  first TCP port to try (default 54329)

# shellcheck disable=SC2034 # HANSEI_PG_* state is read by the sourcing script.
HANSEI_PG_DIR=""
HANSEI_PG_PORT=""
HANSEI_PG_URL=""
HANSEI_PG_RUNAS=""   # unprivileged user the server runs as when we are root
HANSEI_PG_BIN=""

hansei_pg_log() { printf 'scripts/test: %s\n' "$*" >&2; }

hansei_pg_bindir_ok() {
	[[ -n "$1" && -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]
}

hansei_pg_find_bindir() {
	local d
	if [[ -n "${HANSEI_PG_BINDIR:-}" ]]; then
		if hansei_pg_bindir_ok "$HANSEI_PG_BINDIR"; then
			printf '%s\n' "$HANSEI_PG_BINDIR"
			return 0
		fi
		hansei_pg_log "HANSEI_PG_BINDIR=$HANSEI_PG_BINDIR has no initdb/pg_ctl/postgres"
		return 1
	fi
	# Debian/Ubuntu layout: /usr/lib/postgresql/<version>/bin; newest wins.
	while IFS= read -r d; do
		if hansei_pg_bindir_ok "${d%/}/bin"; then
			printf '%s\n' "${d%/}/bin"
			return 0
		fi
	done < <(compgen -G '/usr/lib/postgresql/*/' | sort -V -r)
	# Other layouts (Fedora, Homebrew, ...): pg_config or server binaries on PATH.
	d="$(pg_config --bindir 2>/dev/null || true)"
	if hansei_pg_bindir_ok "$d"; then
		printf '%s\n' "$d"
		return 0
	fi
	d="$(command -v pg_ctl 2>/dev/null || true)"
	if hansei_pg_bindir_ok "${d%/*}"; then
		printf '%s\n' "${d%/*}"
		return 0
	fi
	return 1
}

# Run a command as the cluster owner, from inside the cluster directory (so an
# unprivileged user never starts in an unreadable cwd such as /root).
hansei_pg_as_owner() {
	if [[ -n "$HANSEI_PG_RUNAS" ]]; then
		(
			cd "$HANSEI_PG_DIR" || exit 1
			if command -v runuser >/dev/null 2>&1; then
				exec runuser -u "$HANSEI_PG_RUNAS" -- "$@"
			fi
			exec setpriv --reuid="$(id -u "$HANSEI_PG_RUNAS")" --regid="$(id -g "$HANSEI_PG_RUNAS")" \
				--init-groups -- "$@"
		)
	else
		(cd "$HANSEI_PG_DIR" && exec "$@")
	fi
}

# True if something already accepts connections on 127.0.0.1:$1.
hansei_pg_port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

hansei_pg_pick_runas() {
	HANSEI_PG_RUNAS=""
	[[ "$(id -u)" -eq 0 ]] || return 0
	if id -u postgres >/dev/null 2>&1; then
		HANSEI_PG_RUNAS=postgres
		return 0
	fi
	if ! id -u hansei-test >/dev/null 2>&1; then
		# A concurrent run may create it at the same moment; accept that.
		useradd --system --no-create-home --shell /usr/sbin/nologin hansei-test 2>/dev/null ||
			id -u hansei-test >/dev/null 2>&1 || {
			hansei_pg_log "could not create system user hansei-test to run PostgreSQL"
			return 1
		}
	fi
	HANSEI_PG_RUNAS=hansei-test
}

hansei_pg_start() {
	local bindir="$1" base port last logfile sockdir_max=90
	HANSEI_PG_BIN="$bindir"
	hansei_pg_pick_runas || return 1

	# The server must be able to reach the directory, and the unix socket path
	# ($dir/.s.PGSQL.NNNNN) must stay under the ~107 byte sun_path limit.
	base="${TMPDIR:-/tmp}"
	if [[ -n "$HANSEI_PG_RUNAS" || ${#base} -gt $sockdir_max || ! -d "$base" ]]; then
		base=/tmp
	fi
	HANSEI_PG_DIR="$(mktemp -d "${base%/}/hansei-pg.XXXXXXXX")" || {
		hansei_pg_log "mktemp failed under $base"
		return 1
	}
	if [[ -n "$HANSEI_PG_RUNAS" ]]; then
		chown "$HANSEI_PG_RUNAS:" "$HANSEI_PG_DIR" || return 1
	fi

	if ! hansei_pg_as_owner "$bindir/initdb" -D "$HANSEI_PG_DIR/data" -A trust -U postgres \
		--no-sync -E UTF8 --locale=C >"$HANSEI_PG_DIR/initdb.log" 2>&1; then
		hansei_pg_log "initdb failed:"
		cat "$HANSEI_PG_DIR/initdb.log" >&2
		return 1
	fi

	# The port is passed on the pg_ctl command line so it can change per attempt.
	hansei_pg_as_owner tee -a "$HANSEI_PG_DIR/data/postgresql.conf" >/dev/null <<EOF

# --- hansei scripts/test: throwaway test cluster, durability off ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$HANSEI_PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF

	# Walk up from the base port. A port that looks free can still be taken by
	# a concurrent run before our server binds it; then we move on as well.
	port="${HANSEI_PG_PORT_BASE:-54329}"
	last=$((port + 200))
	while ((port <= last)); do
		if hansei_pg_port_in_use "$port"; then
			port=$((port + 1))
			continue
		fi
		logfile="$HANSEI_PG_DIR/postgres-$port.log"
		if hansei_pg_as_owner "$bindir/pg_ctl" start -D "$HANSEI_PG_DIR/data" -l "$logfile" \
			-o "-p $port" -w -t 60 >/dev/null 2>&1; then
			HANSEI_PG_PORT="$port"
			break
		fi
		if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' \
			"$logfile" 2>/dev/null; then
			hansei_pg_log "port $port was taken while starting PostgreSQL; trying $((port + 1))"
			port=$((port + 1))
			continue
		fi
		hansei_pg_log "PostgreSQL failed to start on port $port; server log:"
		cat "$logfile" >&2 2>/dev/null || true
		return 1
	done
	if [[ -z "$HANSEI_PG_PORT" ]]; then
		hansei_pg_log "no free TCP port for PostgreSQL in ${HANSEI_PG_PORT_BASE:-54329}..$last"
		return 1
	fi

	# pg_ctl -w already waited; double-check over TCP, the way the tests connect.
	if [[ -x "$bindir/pg_isready" ]]; then
		local i
		for ((i = 0; i < 60; i++)); do
			"$bindir/pg_isready" -q -h 127.0.0.1 -p "$HANSEI_PG_PORT" -U postgres -d postgres && break
			sleep 0.5
		done
		if ((i == 60)); then
			hansei_pg_log "PostgreSQL on port $HANSEI_PG_PORT never became ready; server log:"
			cat "$HANSEI_PG_DIR/postgres-$HANSEI_PG_PORT.log" >&2 2>/dev/null || true
			return 1
		fi
	fi

	HANSEI_PG_URL="postgres://postgres@127.0.0.1:$HANSEI_PG_PORT/postgres?sslmode=disable"
}

hansei_pg_stop() {
	[[ -n "$HANSEI_PG_DIR" ]] || return 0
	if [[ -f "$HANSEI_PG_DIR/data/postmaster.pid" && -n "$HANSEI_PG_BIN" ]]; then
		hansei_pg_as_owner "$HANSEI_PG_BIN/pg_ctl" stop -D "$HANSEI_PG_DIR/data" -m immediate -w \
			>/dev/null 2>&1 || true
	fi
	rm -rf -- "$HANSEI_PG_DIR" || true
	HANSEI_PG_DIR=""
	HANSEI_PG_PORT=""
	HANSEI_PG_URL=""
}
