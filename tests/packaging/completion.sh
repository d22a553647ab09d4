#!/bin/bash
# The bash completion of mistmcp (packaging/completion/mistmcp.bash), driven as bash drives it:
# COMP_WORDS and COMP_CWORD set for a line, then the function; what it offers is compared with
# what it should offer. bash, not sh: it tests a bash completion.
#   tests/packaging/completion.sh COMPLETION MISTMCP EXAMPLE_PLUGIN_DIR
set -u
[ $# -eq 3 ] || {
    echo "usage: $0 COMPLETION MISTMCP EXAMPLE_PLUGIN_DIR" >&2
    exit 2
}
completion=$1
PATH=$(dirname "$(realpath "$2")"):$PATH
examples=$3
# shellcheck disable=SC1090 # the file under test, named on the command line
. "$completion"
failures=0

# offered LINE: the words completion offers at the end of LINE (a trailing space: a new word).
offered() {
    read -r -a COMP_WORDS <<<"$1"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _mistmcp
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() { # expect LINE WORDS: exactly these words are offered
    local got
    got=$(offered "$1")
    if [ "$got" != "$2" ]; then
        echo "completion: '$1' offered '$got', expected '$2'" >&2
        failures=$((failures + 1))
    fi
}

expect "mistmcp --tr" "--transport --trusted-proxy"
expect "mistmcp --trans" "--transport"
expect "mistmcp --transport " "http stdio"
expect "mistmcp -t h" "http"
expect "mistmcp --mode m" "managed minimal"
expect "mistmcp --categories orgs_wla" "orgs_wlan_templates orgs_wlans"
expect "mistmcp -c orgs_wlans,sites_wla" "orgs_wlans,sites_wlans"
expect "mistmcp --plugin-dir $examples --categories example_" "example_site_count"
expect "mistmcp --categories example_" ""
expect "mistmcp --port " ""
expect "mistmcp --metrics-token " ""
expect "mistmcp --demo c" "call config"
expect "mistmcp config claude" "claude-code claude-desktop"
expect "mistmcp config vscode --h" "--header --help --host --http"
expect "mistmcp --demo call getSelf --d" "--debug --demo"
expect "mistmcp call getSelf s" ""
# Every option of --help, and nothing else, for "--".
want=$(mistmcp --help | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ' | sed 's/ $//')
got=$(offered "mistmcp --" | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ $//')
if [ "$got" != "$want" ]; then
    echo "completion: '--' offered '$got', --help has '$want'" >&2
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || exit 1
echo "completion: $(echo "$want" | wc -w) options, modes, transports, categories and commands complete"
