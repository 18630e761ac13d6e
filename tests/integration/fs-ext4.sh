#!/bin/bash
# The every-type tree copied within one ext4 filesystem: see fs-common.inc.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fs-common.inc"

fs_roundtrip ext4
