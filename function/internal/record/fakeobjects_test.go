package record_test

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/ossgate/ossgate/function/internal/record"
)

// fakeObject is one object of fakeObjects.
type fakeObject struct {
	info record.ObjectInfo
	body []byte
	tags map[string]string
}

// fakeObjects is an in-memory bucket with fault injection: fail[op+" "+key]
// errors are returned (and consumed) before the operation runs.
type fakeObjects struct {
	mu    sync.Mutex
	objs  map[string]*fakeObject
	fail  map[string][]error
	calls []string
}

func newFakeObjects() *fakeObjects {
	return &fakeObjects{objs: map[string]*fakeObject{}, fail: map[string][]error{}}
}

// put stores an object as a signed upload of uploader under profile would.
func (f *fakeObjects) put(key, ctype, uploader, profile string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objs[key] = &fakeObject{body: body, info: record.ObjectInfo{
		Key: key, ContentType: ctype, ETag: fmt.Sprintf(`"%032X"`, len(body)*7919+len(key)), Size: int64(len(body)),
		LastModified: time.Date(2026, 11, 25, 12, 0, len(f.objs), 0, time.UTC),
		Uploader:     uploader, Profile: profile, Filename: "my file.png",
	}}
}

func (f *fakeObjects) failNext(op, key string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[op+" "+key] = append(f.fail[op+" "+key], errs...)
}

// enter records the call and returns an injected error, if any.
func (f *fakeObjects) enter(op, key string) error {
	f.calls = append(f.calls, op+" "+key)
	if errs := f.fail[op+" "+key]; len(errs) > 0 {
		f.fail[op+" "+key] = errs[1:]
		return errs[0]
	}
	return nil
}

func (f *fakeObjects) get(key string) (*fakeObject, error) {
	o, ok := f.objs[key]
	if !ok {
		return nil, fmt.Errorf("fake: %q: %w", key, record.ErrNotFound)
	}
	return o, nil
}

func (f *fakeObjects) Head(_ context.Context, key string) (record.ObjectInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("head", key); err != nil {
		return record.ObjectInfo{}, err
	}
	o, err := f.get(key)
	if err != nil {
		return record.ObjectInfo{}, err
	}
	return o.info, nil
}

func (f *fakeObjects) ReadHead(_ context.Context, key string, n int64) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("read", key); err != nil {
		return nil, err
	}
	o, err := f.get(key)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), o.body[:min(int64(len(o.body)), n)]...), nil
}

func (f *fakeObjects) Copy(_ context.Context, src, dst string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("copy", src); err != nil {
		return err
	}
	o, err := f.get(src)
	if err != nil {
		return err
	}
	c := *o
	c.info.Key = dst
	f.objs[dst] = &c
	return nil
}

func (f *fakeObjects) Delete(_ context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("delete", key); err != nil {
		return err
	}
	delete(f.objs, key)
	return nil
}

func (f *fakeObjects) Tag(_ context.Context, key string, tags map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("tag", key); err != nil {
		return err
	}
	o, err := f.get(key)
	if err != nil {
		return err
	}
	o.tags = maps.Clone(tags)
	return nil
}

func (f *fakeObjects) has(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.objs[key]
	return ok
}
