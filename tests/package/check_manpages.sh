#!/bin/sh
# The man pages (written by hand in man/) name every command and option the binaries' --help
# lists: a command or option added to passdeck-cli or passdeckd without its man page entry
# fails here. Usage: check_manpages.sh MAN_DIR PASSDECK_CLI PASSDECKD PASSDECK
set -eu
man=$1
cli=$2
agent=$3
gui=$4
fail=0
render() { groff -man -Tascii -P-c -P-b -P-u "$1" 2>/dev/null | tr -s ' \n' ' '; }
command -v groff >/dev/null 2>&1 || { echo "check_manpages: groff is missing, skipped"; exit 77; }
need() {
    page=$1 text=$2 word=$3
    if ! printf '%s' "$text" | grep -qF -- "$word"; then
        echo "check_manpages: $(basename "$page") does not mention $word" >&2
        fail=1
    fi
}
cli_text=$(render "$man/passdeck-cli.1")
help=$("$cli" --help) || { echo "check_manpages: passdeck-cli --help failed" >&2; exit 1; }
# Commands: the first word of each line of the Commands: section.
for c in $(printf '%s\n' "$help" | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on && $1 !~ /^\|/ { print $1 }'); do
    need passdeck-cli.1 "$cli_text" "$c"
done
for o in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    need passdeck-cli.1 "$cli_text" "$o"
done
agent_text=$(render "$man/passdeckd.8")
agent_help=$("$agent" --help) || { echo "check_manpages: passdeckd --help failed" >&2; exit 1; }
for o in $(printf '%s\n' "$agent_help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    need passdeckd.8 "$agent_text" "$o"
done
gui_text=$(render "$man/passdeck.1")
gui_help=$("$gui" --help) || { echo "check_manpages: passdeck --help failed" >&2; exit 1; }
for o in $(printf '%s\n' "$gui_help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    need passdeck.1 "$gui_text" "$o"
done
[ "$fail" = 0 ] || exit 1
echo "check_manpages: every command and option of the three --help texts is in its man page"
