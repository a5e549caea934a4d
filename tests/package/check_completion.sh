#!/bin/bash
# completions/passdeck-cli, sourced as bash-completion would, completes commands, subcommands,
# options and node names (from a store given by --db) for the passdeck-cli just built; without a
# store it completes no name and makes no store file.
# Usage: check_completion.sh COMPLETION PASSDECK_CLI
set -u
completion=$1
cli=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$HOME"
failures=0

# complete_line "LINE": what _passdeck_cli offers for the line's last word, one a line (a line
# that ends in a space completes a new, empty word), as bash would call it after a Tab.
complete_line()
{
    local line=$1
    read -r -a COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _passdeck_cli
    printf '%s\n' "${COMPREPLY[@]}"
}
# expect "WORDS" WANTED... ; refuse "WORDS" UNWANTED...
expect()
{
    local words=$1 got w
    shift
    got=$(complete_line "$words")
    for w in "$@"; do
        if ! grep -qxF -- "$w" <<<"$got"; then
            echo "check_completion: '$words' does not offer '$w' (offers: $(echo $got))" >&2
            failures=$((failures + 1))
        fi
    done
}
refuse()
{
    local words=$1 got w
    shift
    got=$(complete_line "$words")
    for w in "$@"; do
        if grep -qxF -- "$w" <<<"$got"; then
            echo "check_completion: '$words' offers '$w'" >&2
            failures=$((failures + 1))
        fi
    done
}

run_checks()
{
    expect "$cli si" sim
    expect "$cli --json d" devices
    expect "$cli m" make-resource
    expect "$cli node " add list refresh reboot remove devices maintenance
    refuse "$cli node " off on
    expect "$cli vm " create attach show restart power-on power-off delete devices detach move
    expect "$cli sim " build scale reboot fault link
    expect "$cli --ho" --host-root
    expect "$cli bind 0000:17:00.0 --" --force --next-boot --json --db
    expect "$cli plan 0000:17:00.0 --target " vfio-pci host
    # bash-completion offers what follows the last ":" (bash inserts it after the ":" typed).
    expect "$cli sim build $work/x --description :/demo/node-" "$demo_prefix/demo/node-a.json" "$demo_prefix/demo/node-b.json"
    expect "$cli --version" --version
    # Node names come from the store on the line.
    expect "$cli --db $work/db node refresh " node-a
    expect "$cli --db $work/db make-resource --group GPUs --node " node-a
    expect "$cli --db $work/db node maintenance node-a " on off
    # No store on the line and no default store: no names, and none made.
    refuse "$cli node refresh " node-a
    if [ -e "$XDG_DATA_HOME/passdeck/passdeck.db" ]; then
        echo "check_completion: completing made the default store" >&2
        failures=$((failures + 1))
    fi
}

"$cli" sim build "$work/node-a" --description :/demo/node-a.json >/dev/null || { echo "check_completion: sim build failed" >&2; exit 1; }
"$cli" --db "$work/db" node add node-a --host-root "$work/node-a" --simulate >/dev/null || { echo "check_completion: node add failed" >&2; exit 1; }

# shellcheck source=/dev/null
source "$completion"
[ "$(complete -p passdeck-cli 2>/dev/null)" = "complete -F _passdeck_cli passdeck-cli" ] || { echo "check_completion: passdeck-cli is not registered" >&2; exit 1; }
demo_prefix=:
run_checks
plain=$failures
echo "check_completion: without bash-completion: $plain failure(s)"

# Once more inside bash-completion, which re-splits words at "=" and ":".
if [ -f /usr/share/bash-completion/bash_completion ]; then
    # shellcheck source=/dev/null
    source /usr/share/bash-completion/bash_completion
    source "$completion"
    expect "$cli --db=$work/db node refresh " node-a
    demo_prefix=
    run_checks
    echo "check_completion: with bash-completion: $((failures - plain)) failure(s)"
fi
[ "$failures" = 0 ] || exit 1
echo "check_completion: ok"
