# bash completion for mistmcp(1): options, their fixed values, category names, commands and
# the clients of the config command.
# The options and which of them take a value are read from `mistmcp --help`, and the
# categories from `mistmcp --list-categories` (of the plugin directories given so far on the
# line), so neither can fall behind the binary. Installed as
# /usr/share/bash-completion/completions/mistmcp; tests/packaging/completion.sh checks it.

# The --help lines that name options: "  -t, --transport stdio|http   ..." (a value after one
# space) or "      --demo                   ..." (none).
_mistmcp_help() {
    "$1" --help 2>/dev/null | sed -n 's/^ \{1,\}\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\)\( [^ ]\)\{0,1\}.*$/\1\2\3/p'
}

_mistmcp() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]} help opt i word command="" dirs=()
    COMPREPLY=()
    help=$(_mistmcp_help "$prog")

    # What the line holds so far: the plugin directories (for the categories) and the command.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
        --plugin-dir) dirs+=(--plugin-dir "${COMP_WORDS[i + 1]}") ;;
        --no-default-plugin-dir) dirs+=("$word") ;;
        search | describe | call | config) [ -z "$command" ] && command=$word ;;
        esac
    done

    case $prev in
    -t | --transport)
        mapfile -t COMPREPLY < <(compgen -W 'stdio http' -- "$cur")
        return
        ;;
    -m | --mode)
        mapfile -t COMPREPLY < <(compgen -W 'minimal managed all custom' -- "$cur")
        return
        ;;
    -c | --categories)
        # A comma-separated list: complete the name after the last comma. A plugin of a
        # --plugin-dir is listed with "?" for its tool counts (it is not loaded to list it).
        local done_part=${cur%"${cur##*,}"} last=${cur##*,} names
        names=$("$prog" "${dirs[@]}" --list-categories 2>/dev/null |
            sed -n 's/^\([a-z0-9_]\{1,\}\) \{1,\}[0-9?]\{1,\} .*$/\1/p')
        mapfile -t COMPREPLY < <(compgen -P "$done_part" -W "$names" -- "$last")
        compopt -o nospace 2>/dev/null
        return
        ;;
    -e | --env-file)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --plugin-dir)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return
        ;;
    esac
    # Any other option that takes a value (an address, a number, a token...): nothing to offer.
    for opt in $(echo "$help" | sed -n 's/^.*\(--[a-z-]*\) [^ ]$/\1/p'); do
        [ "$prev" = "$opt" ] && return
    done

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(echo "$help" | grep -o -- '--[a-z][a-z-]*')" -- "$cur")
    elif [ -z "$command" ]; then
        mapfile -t COMPREPLY < <(compgen -W 'search describe call config' -- "$cur")
    elif [ "$command" = config ] && [ "$prev" = config ]; then
        mapfile -t COMPREPLY < <(compgen -W 'claude-desktop claude-code vscode cursor' -- "$cur")
    fi
}
complete -F _mistmcp mistmcp
