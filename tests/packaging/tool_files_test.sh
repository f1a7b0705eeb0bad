#!/bin/bash
# The bioxen tool's manual page, bash completion and guides (label packaging).
#
#   tool_files_test.sh completion COMPLETION_SCRIPT BIOXEN MANPAGE
#     The completion script (sourced into this bash) completes what it should, and it and the
#     manual page name every command and option that `BIOXEN ... --help` lists; the help of
#     a tool that is not installed points to docs/CLI.md of the source only.
#   tool_files_test.sh installed PREFIX BINDIR MANDIR DATADIR DOCDIR LIBDIR
#     What `cmake --install` put under PREFIX: the compressed manual page, the completion, the
#     guides, and the installed tool's --help naming PREFIX/DOCDIR/CLI.md.
# Prints "FAIL: ..." for each problem and exits 1 if there was one.
set -u
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# complete WORD... : COMPREPLY of `bioxen WORD...` with the cursor on the last word.
complete_words() {
  COMP_WORDS=(bioxen "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _bioxen bioxen "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() {  # expect "WANT" WORD...
  local want=$1
  shift
  local got
  got=$(complete_words "$@")
  if [[ "$got" != "$want" ]]; then
    fail "bioxen $* <TAB>: '$got', expected '$want'"
  fi
}

# The subcommands and the options (long names) that `$BIOXEN ARGS... --help` lists.
help_commands() {
  "$BIOXEN" "$@" --help | awk 'toupper($0) ~ /^SUBCOMMANDS:/ {on = 1; next} on && /^$/ {on = 0} on && /^  [a-z]/ {print $1}'
}
help_options() {
  "$BIOXEN" "$@" --help | grep -oE '^ +(-[a-zA-Z], ?)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*'
}

mode=${1:-}
case "$mode" in
  completion)
    COMPLETION=$2
    BIOXEN=$3
    MANPAGE=$4
    # shellcheck source=/dev/null
    source "$COMPLETION" || fail "sourcing $COMPLETION failed"
    if ! complete -p bioxen 2>/dev/null | grep -q -- '-F _bioxen'; then
      fail "the completion script does not register _bioxen for bioxen"
    fi
    expect "config demo genome run shell sweep types validate" ""
    expect "demo" de
    expect "--help --version" --
    expect "--policy" demo --po
    expect "fair_share" demo --policy f
    expect "fair_share priority round_robin" shell --policy ""
    expect "syn3a" shell --chassis sy
    expect "init" config i
    expect "--force" config init --f
    expect "" config show --f
    expect "--help info" genome ""
    expect "--memory-kb" genome info --m
    expect "--cross-validate" validate --cr
    expect "--duration" run x.json --d
    expect "" demo --quanta ""

    # Every command and option of the tool's own help: completed, and in the manual page.
    commands=$(help_commands)
    [[ -n "$commands" ]] || fail "$BIOXEN --help lists no commands"
    for c in $commands; do
      [[ " $(complete_words "") " == *" $c "* ]] || fail "completion lacks the command $c"
      grep -qE "^\.B[IR]? \"?$c\b" "$MANPAGE" || fail "$MANPAGE lacks the command $c"
      subs=$(help_commands "$c")
      targets=("$c")
      for s in $subs; do
        [[ " $(complete_words "$c" "") " == *" $s "* ]] || fail "completion lacks $c $s"
        grep -qE "\b$s\b" "$MANPAGE" || fail "$MANPAGE lacks $c $s"
        targets+=("$c $s")
      done
      for t in "${targets[@]}"; do
        # shellcheck disable=SC2086
        for o in $(help_options $t); do
          # shellcheck disable=SC2086
          [[ " $(complete_words $t --) " == *" $o "* ]] || fail "completion of '$t' lacks $o"
          # In the manual page an option is a .B or .BI line, its dashes written \-.
          man_o=$(printf '%s' "$o" | sed 's/-/\\-/g')
          MAN_O=$man_o awk '($1 == ".B" || $1 == ".BI") && $2 == ENVIRON["MAN_O"] {f = 1} END {exit !f}' \
            "$MANPAGE" || fail "$MANPAGE lacks $o (of '$t')"
        done
      done
    done

    footer=$("$BIOXEN" --help | tail -n 2)
    if [[ "$footer" != *"docs/CLI.md in the BioXen source has the details."* ]]; then
      fail "the help of a tool that is not installed says: $footer"
    fi
    if [[ "$footer" == *"share/doc"* ]]; then
      fail "the help of a tool that is not installed names an installed guide: $footer"
    fi
    ;;
  installed)
    PREFIX=$2
    BINDIR=$3
    MANDIR=$4
    DATADIR=$5
    DOCDIR=$6
    # A shared libbioxen in the prefix: the installed tool has no RPATH (Debian has none).
    export LD_LIBRARY_PATH="$PREFIX/$7${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    man_gz="$PREFIX/$MANDIR/man1/bioxen.1.gz"
    if [[ ! -f "$man_gz" ]]; then
      fail "no $man_gz"
    elif ! gzip -t "$man_gz"; then
      fail "$man_gz is not gzip"
    elif ! gzip -dc "$man_gz" | grep -q '^\.TH BIOXEN 1 '; then
      fail "$man_gz is not the bioxen(1) manual page"
    fi
    comp="$PREFIX/$DATADIR/bash-completion/completions/bioxen"
    [[ -f "$comp" ]] || fail "no $comp"
    for f in CLI.md README.md CHANGELOG.md CONFIGURATION.md MODEL.md ERRORS.md; do
      [[ -f "$PREFIX/$DOCDIR/$f" ]] || fail "no $PREFIX/$DOCDIR/$f"
    done
    footer=$("$PREFIX/$BINDIR/bioxen" --help | tail -n 2)
    if [[ "$footer" != *"$PREFIX/$DOCDIR/CLI.md (docs/CLI.md in the source) has the details."* ]]; then
      fail "the installed tool's help does not name $PREFIX/$DOCDIR/CLI.md: $footer"
    fi
    ;;
  *)
    echo "usage: $0 completion|installed ..." >&2
    exit 2
    ;;
esac

if ((failures > 0)); then
  echo "$failures problem(s)"
  exit 1
fi
echo "ok"
