#!/bin/bash
# COPY-semantics conformance suite: every case in tests/conformance/*.cases
# runs through the real stagecp binary as root (owners, device nodes) and is
# checked against the tree or error text that stagecp-copy(7) prescribes.
# One line per case; fails if any case fails.  See tests/conformance/README.md.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3
require_stagecp

step "conformance cases ($STAGECP)"
rc=0
python3 "$TOP/tests/conformance/run.py" --stagecp "$STAGECP" --tmp "$T" -v ||
	rc=$?
[ "$rc" -eq 0 ] || fail "conformance cases failed (see above)"
