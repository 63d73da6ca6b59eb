package creds

import (
	"context"
	"errors"
	"testing"

	"github.com/ossgate/ossgate/function/internal/invocation"
)

type fixed struct {
	c   Credentials
	err error
}

func (f fixed) Credentials(context.Context) (Credentials, error) { return f.c, f.err }

func TestResolve(t *testing.T) {
	inv := Credentials{AccessKeyID: "STS.inv", AccessKeySecret: "s", SecurityToken: "t"}
	fb := Credentials{AccessKeyID: "LTAIfallback", AccessKeySecret: "s2"}
	withInv := invocation.NewContext(context.Background(), invocation.Info{RequestID: "r", Credentials: inv})
	tests := []struct {
		name string
		ctx  context.Context
		fb   Fallback
		want Credentials
		none bool
	}{
		{"the invocation's first", withInv, fixed{c: fb}, inv, false},
		{"then the fallback", context.Background(), fixed{c: fb}, fb, false},
		{"request id only", invocation.NewContext(context.Background(), invocation.Info{RequestID: "r"}), fixed{c: fb}, fb, false},
		{"no fallback", context.Background(), nil, Credentials{}, true},
		{"fallback fails", context.Background(), fixed{err: errors.New("no profile")}, Credentials{}, true},
		{"fallback without a secret", context.Background(), fixed{c: Credentials{AccessKeyID: "id"}}, Credentials{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.ctx, tt.fb)
			if tt.none != errors.Is(err, ErrNone) || got != tt.want {
				t.Errorf("got %+v, %v; want %+v (ErrNone: %v)", got, err, tt.want, tt.none)
			}
		})
	}
}
