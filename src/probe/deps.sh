# paritty's probe, the app's dependencies: the files paritty's parsers read
# (deps::stream), sent back as one output from the app folder A (empty:
# none). Each file goes as a line "<bytes> <path>" (the path in the app
# folder) and then exactly that many bytes, so no file can pass for
# another; awk measures them, after turning every byte above 127 into "?"
# (names and versions are ASCII; a byte is then a character to any awk).
# Of a METADATA file only the headers go (the lines before the first blank
# one; of those, Name and Version whole and the others as their key, which
# keeps the line numbers the parser names), not the description. Files
# are capped at _DC bytes each, the whole at twice that. Of a gemspec only
# the lines that end in its first 4096 bytes (ruby::GEMSPEC_HEAD) go, and
# of those only the s.name, s.version and s.platform lines (its line
# numbers are not kept: some awks end a line at a NUL byte, which RubyGems
# writes in some). The files and
# folders are those of collect::deps::local (a test checks the names).
# D and A come from the lines before, _tab from the prelude.
# shellcheck disable=SC2154
: "${D:?}"
_depsawk='
function flush() { if (name != "") printf "%d %s\n%s", length(buf), name, buf; buf = ""; name = "" }
FNR == 1 {
  flush(); name = FILENAME; p = ENVIRON["_DA"] "/"
  if (substr(name, 1, length(p)) == p) name = substr(name, length(p) + 1)
  gsub(/[\001-\037\177-\377]/, "?", name)
  head = (FILENAME ~ /\.dist-info\/METADATA$/); cut = 0
  spec = (FILENAME ~ /\/specifications\/(default\/)?[^\/]*\.gemspec$/ || FILENAME ~ /\/bundler\/gems\/[^\/]+\/([^\/]+\/)?[^\/]*\.gemspec$/); seen = 0
}
head == 2 || cut { next }
head == 1 && /^\r?$/ { head = 2; next }
spec {
  seen += length($0) + 1
  if (seen > 4096) { cut = 1; next }
  if ($0 !~ /^[ \t]*s\.(name|version|platform)[ \t]*=/) next
}
{
  gsub(/[\200-\377]/, "?")
  if (head == 1) {
    k = tolower(substr($0, 1, 8))
    if (substr($0, 1, 1) == " " || substr($0, 1, 1) == "\t") $0 = " "
    else if (k !~ /^(name|version):/ && index($0, ":")) $0 = substr($0, 1, index($0, ":"))
  }
  if (length(buf) + length($0) + 1 > ENVIRON["_DC"] + 0) { cut = 1; next }
  buf = buf $0 "\n"
}
END { flush() }'
# The site-packages folders of virtualenv or prefix $1.
_depssite() { for _s in "$1"/lib/python*/site-packages; do [ -d "$_s" ] && printf '%s\n' "$_s"; done; }
# Files $@ through the awk after what the calls before sent, up to twice
# _DM in all. The files go in batches (_dfull): a list grown one by one in
# "$@" costs its length at each step, which for 20000 gemspecs is minutes.
_dflush() {
  [ $# -gt 0 ] || return 0
  _dl=$((_DM * 2 - $(wc -c < "$_do")))
  [ "$_dl" -gt 0 ] || return 0
  LC_ALL=C _DA=$A _DC=$_DM awk "$_depsawk" "$@" 2>/dev/null | head -c "$_dl" >> "$_do"
}
# Sends the files $@ when they are a batch (then true: the caller empties its list).
_dfull() { [ $# -ge 256 ] || return 1; _dflush "$@"; }
# The app's dependency files, as fact $1 (source 0).
_deps() {
  _do="$D/$1.0"; : > "$_do"; echo 'R 0' >> "$D/$1.m"
  [ -n "$A" ] && [ -d "$A" ] || return 0
  set --
  for _n in uv.lock poetry.lock Pipfile.lock requirements.txt npm-shrinkwrap.json package-lock.json Gemfile.lock gems.locked; do
    [ -f "$A/$_n" ] && set -- "$@" "$A/$_n"
  done
  for _n in "$A"/requirements*.txt "$A"/requirements*.TXT; do
    case $_n in "$A/requirements.txt") continue ;; esac
    [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --
  done
  _dv=
  case ${VIRTUAL_ENV:-} in "$A"/*) [ -d "$VIRTUAL_ENV" ] && _dv=$VIRTUAL_ENV ;; esac
  if [ -z "$_dv" ]; then
    for _n in .venv venv env .virtualenv; do [ -f "$A/$_n/pyvenv.cfg" ] && _dv=$A/$_n && break; done
  fi
  if [ -n "$_dv" ]; then
    _ds=$(_depssite "$_dv")
  else
    # No virtualenv: the interpreter's own packages, for an app whose lock
    # files pin Python packages only (as collect::deps::local decides).
    _ds=
    if [ -f "$A/uv.lock" ] || [ -f "$A/poetry.lock" ] || [ -f "$A/Pipfile.lock" ] || grep -q '==' "$A"/requirements*.txt 2>/dev/null; then
      _cands python3 real > "$D/$1.py" 2>/dev/null
      if [ -s "$D/$1.py" ] && IFS="$_tab" read -r _x _y < "$D/$1.py"; then
        _p=${_y%/*}; _p=${_p%/*}
        _ds=$(_depssite "$_p")
        [ "$_p" = /usr ] && for _s in /usr/local/lib/python3*/dist-packages; do [ -d "$_s" ] && _ds="$_ds$_nl$_s"; done
      fi
    fi
  fi
  _o=$IFS; IFS=$_nl
  for _s in $_ds; do
    IFS=$_o
    for _n in "$_s"/*.dist-info/METADATA; do [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --; done
  done
  IFS=$_o
  if [ -f "$A/node_modules/.package-lock.json" ]; then
    set -- "$@" "$A/node_modules/.package-lock.json"
  else
    for _n in "$A"/node_modules/*/package.json "$A"/node_modules/@*/*/package.json; do
      [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --
    done
  fi
  # Ruby's installed gems: the app's bundle (its config's BUNDLE_PATH,
  # else the session's $BUNDLE_PATH, else vendor/bundle: Bundler reads its
  # settings in that order), its gemspecs and its checkouts of git: gems
  # (bundler/gems/REPO-SHA/, gemspecs at the top and one folder down, as
  # Bundler's glob finds them), else, for an app with a lock file where
  # bundler is on PATH, the system's gem folders and checkouts
  # (deps::stream::SYSTEM_GEMS and SYSTEM_CHECKOUTS; paritty keeps the
  # gems the lock names).
  # The app's config: .bundle/config, or config in $BUNDLE_APP_CONFIG
  # when that is set, even empty (deps::stream::bundle_config); its first
  # 64 KiB, its first BUNDLE_PATH line.
  _dk=$A/.bundle/config
  if [ -n "${BUNDLE_APP_CONFIG+x}" ]; then
    case $BUNDLE_APP_CONFIG in
      '') _dk=$A/config ;;
      /*) _dk=${BUNDLE_APP_CONFIG%/}/config ;;
      *) _dk=$A/${BUNDLE_APP_CONFIG%/}/config ;;
    esac
  fi
  _db=
  if [ -f "$_dk" ]; then
    _db=$(head -c 65536 "$_dk" 2>/dev/null | awk '/^BUNDLE_PATH:/ { sub(/^BUNDLE_PATH:[ \t]*/, ""); sub(/[ \t\r]+$/, ""); if ($0 ~ /^".*"$/ || $0 ~ /^\047.*\047$/) $0 = substr($0, 2, length($0) - 2); while (substr($0, 1, 2) == "./") $0 = substr($0, 3); print; exit }')
  fi
  if [ -z "$_db" ]; then
    _db=${BUNDLE_PATH:-}
    while :; do case $_db in ./*) _db=${_db#./} ;; *) break ;; esac; done
  fi
  while :; do case $_db in ?*/) _db=${_db%/} ;; *) break ;; esac; done
  [ -n "$_db" ] || _db=vendor/bundle
  case $_db in /*) ;; *) _db=$A/$_db ;; esac
  _dg=0
  for _s in "$_db"/ruby/*; do
    [ -d "$_s/specifications" ] || [ -d "$_s/bundler/gems" ] || continue
    _dg=1
    for _n in "$_s"/specifications/*.gemspec; do [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --; done
    for _c in "$_s"/bundler/gems/*; do
      [ -d "$_c" ] || continue
      for _n in "$_c"/*.gemspec "$_c"/*/*.gemspec; do [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --; done
    done
  done
  if [ "$_dg" = 0 ] && { [ -f "$A/Gemfile.lock" ] || [ -f "$A/gems.locked" ]; } && command -v bundle >/dev/null 2>&1; then
    for _n in /var/lib/gems/*/specifications/*.gemspec /usr/share/rubygems-integration/all/specifications/*.gemspec /usr/lib/ruby/gems/*/specifications/*.gemspec /usr/lib/ruby/gems/*/specifications/default/*.gemspec /usr/local/bundle/specifications/*.gemspec /usr/local/lib/ruby/gems/*/specifications/*.gemspec /usr/local/lib/ruby/gems/*/specifications/default/*.gemspec; do
      [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --
    done
    for _c in /var/lib/gems/*/bundler/gems/* /usr/local/bundle/bundler/gems/* /usr/local/lib/ruby/gems/*/bundler/gems/*; do
      [ -d "$_c" ] || continue
      for _n in "$_c"/*.gemspec "$_c"/*/*.gemspec; do [ -f "$_n" ] && set -- "$@" "$_n" && _dfull "$@" && set --; done
    done
  fi
  _dflush "$@"
}
