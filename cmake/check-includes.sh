#!/bin/sh
# check-includes.sh DIR ALLOWED...: every "ns3/<name>.h" that a file of DIR includes must be one
# of the headers in the ALLOWED directories (the layer table of doc/ce-lslm.rst: the kernel and
# the KV layer never include ns-3 itself).
dir=$1
shift
status=0
for name in $(grep -rhoE '#include [<"]ns3/[^>"]+' "$dir" | sed -E 's@.*ns3/@@' | sort -u); do
    found=no
    for allowed in "$@"; do
        [ -f "$allowed/$name" ] && found=yes
    done
    if [ "$found" = no ]; then
        echo "$dir includes ns3/$name, which is outside $*" >&2
        status=1
    fi
done
exit $status
