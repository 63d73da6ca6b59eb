package main

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// portHint turns a failure to listen on a port already in use into an
// error that says which flag of flags (port → flag name) changes it; other
// errors are returned as they are.
func portHint(err error, flags map[int]string) error {
	var op *net.OpError
	if !errors.Is(err, syscall.EADDRINUSE) || !errors.As(err, &op) {
		return err
	}
	addr, ok := op.Addr.(*net.TCPAddr)
	if !ok {
		return err
	}
	name, ok := flags[addr.Port]
	if !ok || addr.Port == 0 {
		return err
	}
	return fmt.Errorf("port %d is already in use (another make run or -oss-only?): choose another with %s N, or %s 0 for a free one: %w",
		addr.Port, name, name, err)
}
