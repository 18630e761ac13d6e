#!/bin/bash
# Symbolic --chmod against coreutils chmod(1): a matrix of modes applied
# by real copies and by chmod(1) must agree, apart from the decisions
# tests/chmod/oracle.py names (where BuildKit's rule departs).
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd python3 chmod
python3 -S "$TOP/tests/chmod/oracle.py" "$STAGECP" "$T"
