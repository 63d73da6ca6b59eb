package main

import (
	"errors"
	"log/slog"
)

// runRecord wires the record function; replaced by the record-function work (issue 6).
func runRecord(*slog.Logger) error { return errors.New("the record function is not wired yet") }
