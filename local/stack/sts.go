package stack

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/ossgate/ossgate/local/ossemu"
)

// STSState is how the local OSS endpoint treats an STS credential the stack
// minted for a function invocation: the three ways OSS refuses a stale
// ticket's credentials, for tests of the clients' fresh-ticket path.
type STSState string

// The states.
const (
	STSValid   STSState = "valid"   // accepted (as minted)
	STSExpired STSState = "expired" // past its expiry: 403 SecurityTokenExpired
	STSInvalid STSState = "invalid" // its token no longer the registered one: 403 InvalidSecurityToken
	STSUnknown STSState = "unknown" // not registered: 403 InvalidAccessKeyId
)

// ErrUnknownCredential is returned by SetSTS for an AccessKeyId the stack
// never minted.
var ErrUnknownCredential = errors.New("stack: no such minted credential")

// stsBook remembers every credential the stack minted, as minted, and the
// state every credential minted from now on gets.
type stsBook struct {
	mu     sync.Mutex
	minted map[string]ossemu.Credential
	future STSState // "" or STSValid: as minted
}

// SetSTS puts the minted credential accessKeyID in state at the OSS
// endpoint. With accessKeyID "", every credential minted so far and every
// one minted from now on (until the next SetSTS("", ...)) is put in state:
// then a fresh ticket cannot help either.
func (s *Stack) SetSTS(accessKeyID string, state STSState) error {
	switch state {
	case STSValid, STSExpired, STSInvalid, STSUnknown:
	default:
		return fmt.Errorf("stack: STS state %q: want valid, expired, invalid or unknown", state)
	}
	b := &s.sts
	b.mu.Lock()
	defer b.mu.Unlock()
	if accessKeyID != "" {
		c, ok := b.minted[accessKeyID]
		if !ok {
			return fmt.Errorf("%w: %q", ErrUnknownCredential, accessKeyID)
		}
		s.applySTS(c, state)
		return nil
	}
	b.future = state
	for _, c := range b.minted {
		s.applySTS(c, state)
	}
	return nil
}

// register records the minted credential c and registers it with the OSS
// endpoint in the state for new credentials.
func (s *Stack) register(c ossemu.Credential) {
	b := &s.sts
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.minted == nil {
		b.minted = map[string]ossemu.Credential{}
	}
	b.minted[c.AccessKeyID] = c
	s.applySTS(c, b.future)
}

// applySTS registers c, as minted, in state with the OSS endpoint.
func (s *Stack) applySTS(c ossemu.Credential, state STSState) {
	switch state {
	case STSExpired:
		c.Expires = time.Now().Add(-time.Second)
	case STSInvalid:
		c.SecurityToken += "-revoked"
	case STSUnknown:
		s.OSS.RemoveCredential(c.AccessKeyID)
		return
	}
	s.OSS.AddCredential(c)
}

// STSControl is the test control behind the launcher's -sts-control flag:
// POST /sts?accessKeyId=STS.x&state=expired calls SetSTS (no accessKeyId:
// every credential, current and future) and answers 204; an unknown id is
// 404, a bad state or method 400/405. It changes nothing but the OSS
// endpoint's view of the stack's own STS credentials; serve it on loopback
// only.
func (s *Stack) STSControl() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sts" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		err := s.SetSTS(q.Get("accessKeyId"), STSState(q.Get("state")))
		switch {
		case errors.Is(err, ErrUnknownCredential):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}
