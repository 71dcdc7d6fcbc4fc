# shellcheck shell=bash
# Sourced by scripts that start processes on ports of their own: free_port prints a port below
# the ephemeral range (as throwaway-pg.sh picks them) that nothing answers on, is not one of the
# `make up` stack's, and was not handed out before in this script (FREE_PORT_TAKEN, which the
# caller may seed with ports already in use, space-separated and padded: " 5432 ").
FREE_PORT_TAKEN="${FREE_PORT_TAKEN:- }"
FREE_PORT_RESERVED=" 8080 9090 9091 9092 9093 7051 7052 7053 55432 "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    case "$FREE_PORT_TAKEN$FREE_PORT_RESERVED" in *" $port "*) continue ;; esac
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    FREE_PORT_TAKEN="$FREE_PORT_TAKEN$port "
    echo "$port"
    return
  done
}
