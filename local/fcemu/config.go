package fcemu

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Credential is one set of STS-style credentials handed to an invocation.
type Credential struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
	Expires                                     time.Time // informational; zero = never
}

// Config describes one function. Zero values are the documented defaults.
type Config struct {
	Name      string        // function name (x-fc-function-name, FC_FUNCTION_NAME); default "function"
	CodeDir   string        // required: the code package directory holding an executable bootstrap
	Env       []string      // the function's environment variables, KEY=VALUE; the host's are not inherited (except PATH)
	Instances int           // instances started; default 1
	Timeout   time.Duration // function timeout; default 60s; sent in whole seconds (rounded up)
	MemoryMB  int           // x-fc-function-memory; default 512
	Handler   string        // x-fc-function-handler; default "bootstrap"
	Region    string        // x-fc-region, FC_REGION; default "cn-hangzhou"
	AccountID string        // x-fc-account-id, FC_ACCOUNT_ID; default "1234567890123456"
	Qualifier string        // x-fc-qualifier; default "LATEST"

	// Credentials returns the credentials of one invocation; it is called
	// once per delivery (retries included) and may be nil (no credentials).
	Credentials func() Credential

	// MaxBodyBytes bounds an HTTP front request body; default 32 MiB (FC's
	// limit for synchronous invocations).
	MaxBodyBytes int64
	// DomainName is the requestContext.domainName of HTTP trigger events;
	// default the request's Host without port.
	DomainName string

	Async AsyncConfig // the event queue behind InvokeAsync

	StartTimeout   time.Duration // Start waits this long for every instance to poll; default 15s
	RestartBackoff time.Duration // first restart delay of a crashed instance; default 50ms, doubled up to 5s

	Output io.Writer        // function stdout/stderr, each line prefixed "[name#i] "; nil or io.Discard: the null device
	Logger *slog.Logger     // emulator events; default discards
	Now    func() time.Time // clock for deadlines and event times; default time.Now
}

// Errors of an invocation. Function errors are *FunctionError values.
var (
	ErrTimeout   = errors.New("fcemu: function timed out")
	ErrCrashed   = errors.New("fcemu: function instance exited during the invocation")
	ErrClosed    = errors.New("fcemu: emulator closed")
	ErrThrottled = errors.New("fcemu: no instance became free in time")
	ErrQueueFull = errors.New("fcemu: async queue full")
	ErrMalformed = errors.New("fcemu: malformed function result")
)

// FunctionError is the error the function reported (returned or panicked),
// as posted to the runtime API's error endpoint.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("fcemu: function error %s: %s", e.Type, e.Message)
}

func withDefaults(c Config) Config {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.Name, "function")
	def(&c.Handler, "bootstrap")
	def(&c.Region, "cn-hangzhou")
	def(&c.AccountID, "1234567890123456")
	def(&c.Qualifier, "LATEST")
	if c.Instances <= 0 {
		c.Instances = 1
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MemoryMB <= 0 {
		c.MemoryMB = 512
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 32 << 20
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 15 * time.Second
	}
	if c.RestartBackoff <= 0 {
		c.RestartBackoff = 50 * time.Millisecond
	}
	if c.Output == nil {
		c.Output = io.Discard
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
