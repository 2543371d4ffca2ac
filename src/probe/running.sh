# paritty's probe, running servers: which processes run the profile's
# server programs, and the version each distinct running executable answers
# (`collect::running` decides what they mean). The lines `probe::script`
# writes before this file set _rcomm (the programs' kernel names, 15 bytes
# at most, space-separated) and _rver (runs OUT PID NAME's version question
# in the background, or fails for a NAME that is no program). Nothing of a
# command line but its first 4 KiB is read, and it goes back to paritty
# only to be matched: it is never stored.
# D, _tab, _nl, _rcomm and _rver come from the prelude and the lines
# before this file.
# shellcheck disable=SC2154
: "${D:?}"
# _rlist N: the processes that may be servers, before any fact starts (so
# no `redis-server --version` of the probe's own is taken for a server),
# into $D/N.l: `P 1` (or `P 0`: no /proc), then
# PID<TAB>PPID<TAB>SAME<TAB>OWN<TAB>EXE<TAB>CMDLINE per process, EXE - where
# it may not be read (another user's; never empty: `read` joins adjacent
# tabs), SAME 1 when that path still names the running file, 0 when not
# (replaced, " (deleted)"), - when unknown; OWN 1 when the running file is
# root's or the probe's user's and nobody else may write it, else 0: only
# such a file is run to ask its version (another's would run their code as
# the probe's user, root's included).
_rlist() {
  _rf="$D/$1.l"
  if [ ! -r /proc/self/stat ]; then echo 'P 0' > "$_rf"; return 0; fi
  echo 'P 1' > "$_rf"; _rlp=; _ruid=$(id -u 2>/dev/null) || _ruid=0
  for _rd in /proc/[0-9]*; do
    { IFS= read -r _rc < "$_rd/comm"; } 2>/dev/null || continue
    case " $_rcomm " in *" $_rc "*) ;; *) continue ;; esac
    { IFS= read -r _rs < "$_rd/stat"; } 2>/dev/null || continue
    # The fields after the command name, which may hold spaces and ")".
    # shellcheck disable=SC2086
    set -- ${_rs##*") "}
    _rpp=${2:-0}
    _rl=$(readlink "$_rd/exe" 2>/dev/null) || _rl=
    [ -n "$_rl" ] || _rl=-
    case $_rl in *"$_tab"* | *"$_nl"*) continue ;; esac
    # -ef: see _cands in the prelude.
    # shellcheck disable=SC3013
    if [ "$_rl" = - ]; then _rsame=-; elif [ "$_rd/exe" -ef "$_rl" ]; then _rsame=1; else _rsame=0; fi
    # Mode and owner of the running file (the link followed): `-rwxr-xr-x 1 UID`.
    _rown=0
    # shellcheck disable=SC2046
    [ "$_rl" != - ] && set -- $(ls -nLd "$_rd/exe" 2>/dev/null) && case $1 in
      ?????w* | ????????w*) ;;
      *) [ "${3:-x}" = 0 ] || [ "${3:-x}" = "$_ruid" ] && _rown=1 ;;
    esac
    # A listed server's child (PostgreSQL has one per connection) is
    # counted in it: its command line is not needed, and not sent.
    case " $_rlp " in
      *" $_rpp "*) _rcl= ;;
      *) _rcl=$(head -c 4096 "$_rd/cmdline" 2>/dev/null | tr '\000\t\n' '   ') ;;
    esac
    _rlp="$_rlp ${_rd#/proc/}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${_rd#/proc/}" "$_rpp" "$_rsame" "$_rown" "$_rl" "$_rcl" >> "$_rf"
  done
}
# _running N: the list again as output 0, each line after the number of the
# output holding its executable's answer (0: not asked: a server's child,
# an executable already asked, one that may not be read). Each executable is
# asked through /proc/PID/exe, which runs the file the process runs even
# when its path now names another or none.
_running() {
  echo 'R 0' >> "$D/$1.m"
  _rpids=; _rk=0; _rseen=
  while IFS="$_tab" read -r _rp _rest; do
    case $_rp in '' | *[!0-9]*) ;; *) _rpids="$_rpids $_rp" ;; esac
  done < "$D/$1.l"
  {
    IFS= read -r _rh; printf '%s\n' "$_rh"
    while IFS="$_tab" read -r _rp _rpp _rsame _rown _rl _rcl; do
      _rn=0
      case " $_rpids " in
        *" $_rpp "*) ;;
        *)
          case "$_nl$_rseen" in
            *"$_nl$_rl$_nl"*) ;;
            *)
              if [ "$_rl" != - ] && [ "$_rown" = 1 ]; then
                _rseen="$_rseen$_rl$_nl"
                _rb=${_rl% (deleted)}; _rb=${_rb##*/}
                _rc0=${_rcl%% *}; _rc0=${_rc0%:}; _rc0=${_rc0##*/}
                _rk=$((_rk + 1))
                if _rver "$D/$1.$_rk" "$_rp" "$_rb" || _rver "$D/$1.$_rk" "$_rp" "$_rc0"; then
                  echo "C $_rk" >> "$D/$1.m"; _rn=$_rk
                else
                  _rk=$((_rk - 1))
                fi
              fi
              ;;
          esac
          ;;
      esac
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$_rn" "$_rp" "$_rpp" "$_rsame" "$_rown" "$_rl" "$_rcl"
    done
  } < "$D/$1.l" > "$D/$1.0"
  wait
}
