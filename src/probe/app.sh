# paritty's probe, the app's backing services: the lines `probe::script`
# writes before this file set A (the app folder, empty for none), PE (the
# host's environment label) and _roles (one line per role: its name, then
# its variables). The configuration is read as data, never sourced: awk
# reads the environment (ENVIRON) and the folder's `.env.$PE` and `.env`
# (in that order after the environment; at most 64 KiB each) and prints
# one line per role, its URL WITHOUT user or password: those stay on this
# host. They are read again, by the same awk, only to give them to the
# host's own client in its environment variable (PGPASSWORD, REDISCLI_AUTH;
# never on a command line), for the services that tell their version only
# after a login (PostgreSQL; Redis with a password). Only the client's
# version line goes back.
# D, W, _tab, _nl, _roles and _x come from the prelude and the lines
# before it, and _first, _cands and _run from the prelude.
# shellcheck disable=SC2154
: "${D:?}"
# Lines printed, by the configuration's fact: "R role var origin url
# creds" (creds: 0 none, 1 a user, 2 a password), "U role" (unset) and "P
# problem"; by the clients' fact, after they ran: "K source role client"
# (which output is whose), "N role client" (client not installed here) and
# "H role hex" (a sqlite file's header).
_appawk='
function trim(s) { sub(/^[ \t\r]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
function clean(s) { gsub(/[\001-\037\177]/, " ", s); return substr(s, 1, 4096) }
function assign(line,   i, name, rest, q, c, out) {
  line = trim(line)
  if (line == "" || substr(line, 1, 1) == "#") return 0
  if (substr(line, 1, 7) == "export ") line = trim(substr(line, 8))
  i = index(line, "="); if (i == 0) return -1
  name = trim(substr(line, 1, i - 1))
  if (name !~ /^[A-Za-z_][A-Za-z0-9_.]*$/) return -1
  rest = trim(substr(line, i + 1)); q = substr(rest, 1, 1)
  if (q == "\047") {
    i = index(substr(rest, 2), "\047"); if (i == 0) return -1
    out = substr(rest, 2, i - 1)
  } else if (q == "\"") {
    out = ""; i = 2
    while (i <= length(rest)) {
      c = substr(rest, i, 1)
      if (c == "\"") break
      if (c == "\\" && i < length(rest)) {
        i++; c = substr(rest, i, 1)
        if (c == "n") c = "\n"; else if (c == "t") c = "\t"; else if (c == "r") c = "\r"
        else if (c != "\"" && c != "\\" && c != "$" && c != "\047") c = "\\" c
      }
      out = out c; i++
    }
    if (i > length(rest)) return -1
  } else {
    i = index(rest, " #"); if (i) rest = substr(rest, 1, i - 1)
    i = index(rest, "\t#"); if (i) rest = substr(rest, 1, i - 1)
    out = trim(rest)
  }
  N = name; V = out; return 1
}
function readfile(f, tag,   line, n, r) {
  n = 0
  while ((getline line < f) > 0) {
    n++; r = assign(line)
    if (r < 0) print "P\t" clean(tag ":" n ": not a NAME=value line paritty reads")
    else if (r > 0) { val[tag, N] = V; at[tag, N] = n }
  }
  close(f)
}
function hex(c) { return index("0123456789abcdef", tolower(c)) - 1 }
function pdec(s,   out, i, c) {
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "%" && substr(s, i + 1, 2) ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) {
      out = out sprintf("%c", hex(substr(s, i + 1, 1)) * 16 + hex(substr(s, i + 2, 1))); i += 2
    } else out = out c
  }
  return out
}
# Splits URL v: S scheme, A userinfo (user:password), H the rest of the
# authority, T path, Q the query kept (only keys that say TLS or which
# database). The userinfo runs to the last "@" before the query: a
# password may hold "/" or "@".
function split_url(v,   i, rest, q, n, k, kv, kept) {
  S = ""; A = ""; H = ""; T = ""; Q = ""
  i = index(v, "://")
  if (i == 0) {
    if (v ~ /^(sqlite|sqlite3|spatialite|locmem|dummy|memory):/) { S = v; return }
    n = split(v, kv, /[,; ]/); rest = kv[1]
    i = 0; while (match(substr(rest, i + 1), /@/)) i += RSTART
    if (i) { A = substr(rest, 1, i - 1); rest = substr(rest, i + 1) }
    H = rest; return
  }
  S = substr(v, 1, i - 1); rest = substr(v, i + 3)
  q = index(rest, "?"); if (q) { Q = substr(rest, q + 1); rest = substr(rest, 1, q - 1) }
  i = 0; while (match(substr(rest, i + 1), /@/)) i += RSTART
  if (i) { A = substr(rest, 1, i - 1); rest = substr(rest, i + 1) }
  i = index(rest, "/"); if (i) { H = substr(rest, 1, i - 1); T = substr(rest, i) } else H = rest
  if (S ~ /^(memcache|memcached|pymemcache|pylibmccache|kafka)$/) sub(/[,;].*/, "", H)
  n = split(Q, kv, "&"); kept = ""
  for (k = 1; k <= n; k++) if (kv[k] ~ /^(sslmode|ssl|tls|db)=[A-Za-z0-9_-]*$/) kept = kept (kept == "" ? "" : "&") kv[k]
  Q = kept
}
BEGIN {
  nf = 0
  if (ENVIRON["_AD"] != "") {
    if (ENVIRON["_AE"] != "") { tags[++nf] = ".env." ENVIRON["_AE"] }
    tags[++nf] = ".env"
    for (k = 1; k <= nf; k++) {
      f = ENVIRON["_AD"] "/" tags[k]
      if (ENVIRON["_AS" k] == "ok") readfile(f, f)
      else if (ENVIRON["_AS" k] != "") print "P\t" clean(f ": " ENVIRON["_AS" k])
      tags[k] = f
    }
  }
  nr = split(ENVIRON["_AR"], lines, "\n")
  for (r = 1; r <= nr; r++) {
    nw = split(lines[r], w, " "); if (nw < 2) continue
    found = 0
    for (j = 2; j <= nw && !found; j++) {
      if (ENVIRON[w[j]] != "") { v = ENVIRON[w[j]]; o = w[j] " in the environment"; found = 1; break }
      for (k = 1; k <= nf; k++) if ((tags[k], w[j]) in val && val[tags[k], w[j]] != "") {
        v = val[tags[k], w[j]]; o = w[j] " in " tags[k] ":" at[tags[k], w[j]]; found = 1; break
      }
      if (found) break
    }
    if (!found) { if (ENVIRON["_AM"] == "") print "U\t" w[1]; continue }
    split_url(v)
    if (ENVIRON["_AM"] != "") {
      if (w[1] != ENVIRON["_AW"]) continue
      i = index(A, ":")
      if (ENVIRON["_AM"] == "user") print pdec(i ? substr(A, 1, i - 1) : A)
      else if (i) print pdec(substr(A, i + 1))
      continue
    }
    c = A == "" ? 0 : (index(A, ":") && substr(A, index(A, ":") + 1) != "" ? 2 : 1)
    u = index(v, "://") ? S "://" H T (Q == "" ? "" : "?" Q) : (S != "" ? S : H)
    print "R\t" w[1] "\t" w[j] "\t" clean(o) "\t" clean(u) "\t" c
  }
}'
# The role's user (_AM=user) or password (_AM=password), percent-decoded,
# for the client: in this shell's memory only, never in a file or frame.
_appcred() { LC_ALL=C _AW=$1 _AM=$2 _AR=$_roles _AD=$A _AE=$PE _AS1=$_as1 _AS2=$_as2 awk "$_appawk" 2>/dev/null; }
# Whether file $1 may be read as a .env: "ok", "" (absent) or why not.
_appfile() {
  if [ ! -e "$1" ]; then printf ''
  elif [ ! -f "$1" ] || [ ! -r "$1" ]; then printf 'not a readable file'
  elif [ "$(wc -c < "$1")" -gt 65536 ]; then printf 'larger than 64 KiB, not read'
  else printf ok; fi
}
# The app's configuration, as fact $1 (source 0), run by the probe's own
# shell before any fact starts and sent at once: paritty asks the services
# that need no login while the probe goes on. _as1 and _as2 stay set for
# _appcred in the clients' fact, started after it.
_appconf() {
  _as1=; _as2=
  if [ -n "$A" ]; then
    if [ -n "$PE" ]; then _as1=$(_appfile "$A/.env.$PE"); _as2=$(_appfile "$A/.env"); else _as1=$(_appfile "$A/.env"); fi
  fi
  LC_ALL=C _AR=$_roles _AD=$A _AE=$PE _AS1=$_as1 _AS2=$_as2 awk "$_appawk" > "$D/$1.0" 2>/dev/null
  echo 'R 0' >> "$D/$1.m"
  # _aR: a role has a URL, so the frame is worth sending at once (by
  # builtins: most hosts name none, and pay no process for it).
  _aR=
  while IFS= read -r _l; do case $_l in "R$_tab"*) _aR=1; break ;; esac; done < "$D/$1.0"
}
# The clients' fact $1 for the configuration fact $2: one client run per
# service that needs a login to tell its version, and (source 0) which
# output is whose.
_app() {
  _ao="$D/$1.0"; : > "$_ao"
  echo 'R 0' >> "$D/$1.m"
  _ak=0; _amap=
  while IFS="$_tab" read -r _at _arole _avar _aor _aurl _acr; do
    [ "$_at" = R ] || continue
    _ac=; _ac2=
    case $_aurl in
      postgres://* | postgresql://* | postgis://* | pgsql://*) _ac=psql ;;
      redis://* | valkey://*) [ "$_acr" = 2 ] && _ac=redis-cli && _ac2=valkey-cli ;;
      sqlite:* | sqlite3:* | spatialite:*) _ac=sqlite3 _ac2=python3 ;;
    esac
    [ -n "$_ac" ] || continue
    _ak=$((_ak + 1)); _af="$D/$1.$_ak"
    _cands "$_ac" > "$_af.p" 2>/dev/null
    [ -s "$_af.p" ] || { [ -n "$_ac2" ] && _ac=$_ac2 && _cands "$_ac" > "$_af.p" 2>/dev/null; }
    if [ ! -s "$_af.p" ]; then
      echo "A $_ak" >> "$D/$1.m"; _amap="${_amap}N$_tab$_arole$_tab$_ac$_nl"; continue
    fi
    echo "C $_ak" >> "$D/$1.m"; _first "$_af.p"; _amap="${_amap}K$_tab$_ak$_tab$_arole$_tab$_ac$_nl"
    case $_ac in
      psql)
        _ah=${_aurl#*://}; _adb=${_ah#*/}; [ "$_adb" != "$_ah" ] || _adb=; _adb=${_adb%%\?*}; _ah=${_ah%%/*}; _ah=${_ah%%\?*}
        _ap=5432; case $_ah in *:[0-9]*) _ap=${_ah##*:}; _ah=${_ah%:*} ;; esac; _ah=${_ah#[}; _ah=${_ah%]}
        _au=$(_appcred "$_arole" user)
        ( PGPASSWORD=$(_appcred "$_arole" password); [ -n "$PGPASSWORD" ] || unset PGPASSWORD
          PGCONNECT_TIMEOUT=$(( ${W%%.*} * 5 + 1 )); export PGPASSWORD PGCONNECT_TIMEOUT
          _run "$_af" "$_x" -X -A -t -w -h "$_ah" -p "$_ap" ${_au:+-U "$_au"} ${_adb:+-d "$_adb"} -c 'SHOW server_version' ) ;;
      redis-cli | valkey-cli)
        _ah=${_aurl#*://}; _ah=${_ah%%/*}; _ah=${_ah%%\?*}
        _ap=6379; case $_ah in *:[0-9]*) _ap=${_ah##*:}; _ah=${_ah%:*} ;; esac; _ah=${_ah#[}; _ah=${_ah%]}
        _au=$(_appcred "$_arole" user)
        ( REDISCLI_AUTH=$(_appcred "$_arole" password); VALKEYCLI_AUTH=$REDISCLI_AUTH; export REDISCLI_AUTH VALKEYCLI_AUTH
          _run "$_af" "$_x" -h "$_ah" -p "$_ap" ${_au:+--user "$_au"} INFO server ) ;;
      sqlite3) _run "$_af" "$_x" --version ;;
      python3) _run "$_af" "$_x" -c 'import sqlite3; print(sqlite3.sqlite_version)' ;;
    esac
    # Only what tells the version (or why none) goes back.
    grep -E -i '^[0-9]|_version:|error|fatal|refused|denied|auth|timeout|could not' "$_af" 2>/dev/null | head -n 5 > "$_af.v"
    cat "$_af.v" > "$_af" 2>/dev/null
    case $_aurl in sqlite:* | sqlite3:* | spatialite:*)
      _as=${_aurl#*:}; _as=${_as#//}; _as=${_as#/}; _as=${_as%%\?*}
      case $_as in '' | :memory:) ;; /*) ;; *) _as="$A/$_as" ;; esac
      [ -f "$_as" ] && _amap="${_amap}H$_tab$_arole$_tab$(od -An -tx1 -N100 "$_as" 2>/dev/null | tr -d ' \n')$_nl" ;;
    esac
  done < "$D/$2.0"
  printf '%s' "$_amap" >> "$_ao"
}
