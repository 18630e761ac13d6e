// SPDX-License-Identifier: MIT

package stagecp

import (
	"runtime"
	"time"
)

// waitCancelled gives the goroutine that watches the context the time to
// raise the engine's cancel flag.
func waitCancelled() {
	for i := 0; i < 50; i++ {
		runtime.Gosched()
		time.Sleep(2 * time.Millisecond)
	}
}
