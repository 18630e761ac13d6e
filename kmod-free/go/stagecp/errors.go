// SPDX-License-Identifier: MIT

package stagecp

import (
	"context"
	"syscall"
)

// Error is one failure of a copy, as libstagecp reports it.  Err is the
// syscall.Errno behind it (errors.Is(err, fs.ErrNotExist) works), or the
// error a callback returned.
type Error struct {
	Path string // inside its stage root
	Op   string // what was being done: "create", "clone", ...
	Err  error
	Msg  string // libstagecp's text, when it has one of its own
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return "stagecp: " + e.Path + ": " + e.Op + ": " + msg
}

func (e *Error) Unwrap() error {
	return e.Err
}

// canceled is the error of a copy its context stopped: it is both the
// context's error and ECANCELED.
type canceled struct {
	ctxErr error
}

func (c canceled) Error() string {
	return "stagecp: copy stopped: " + c.ctxErr.Error()
}

func (c canceled) Unwrap() error {
	return c.ctxErr
}

func (c canceled) Is(target error) bool {
	return target == syscall.ECANCELED ||
		(target == context.Canceled && c.ctxErr == context.Canceled)
}
