package record_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
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
	// later[key] replaces the object at key just before the second
	// operation on key from now: a newer upload landing while one is
	// processed.
	later map[string]*laterObject
	// denyTagged makes reads of an object tagged quarantined fail 403
	// AccessDenied, as the tag-mode bucket policy of deploy/ram does.
	denyTagged bool
}

// laterObject is a replacement waiting for its moment.
type laterObject struct {
	obj  *fakeObject
	seen bool // the first operation has happened
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

// replaceLater makes a new upload of body replace key just before the
// second operation on it.
func (f *fakeObjects) replaceLater(key string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := *f.objs[key]
	o.body, o.info.Size = body, int64(len(body))
	o.info.ETag = fmt.Sprintf(`"%032X"`, len(body)*7919+len(key)+1)
	if f.later == nil {
		f.later = map[string]*laterObject{}
	}
	f.later[key] = &laterObject{obj: &o}
}

func (f *fakeObjects) failNext(op, key string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[op+" "+key] = append(f.fail[op+" "+key], errs...)
}

// enter records the call and returns an injected error, if any.
func (f *fakeObjects) enter(op, key string) error {
	if l := f.later[key]; l != nil && l.seen {
		f.objs[key] = l.obj
		delete(f.later, key)
	} else if l != nil {
		l.seen = true
	}
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

// info returns what the fake holds about key, outside the Objects API.
func (f *fakeObjects) info(key string) (record.ObjectInfo, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objs[key]
	if !ok {
		return record.ObjectInfo{}, false
	}
	return o.info, true
}

// Read implements record.Objects as OSS answers a ranged GET with If-Match.
func (f *fakeObjects) Read(_ context.Context, key, etag string, n int64) (record.ObjectInfo, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("read", key); err != nil {
		return record.ObjectInfo{}, nil, err
	}
	o, err := f.get(key)
	if err != nil {
		return record.ObjectInfo{}, nil, err
	}
	if f.denyTagged && o.tags[record.TagStatus] != "" {
		return record.ObjectInfo{}, nil, oss.ServiceError{StatusCode: 403, Code: "AccessDenied"}
	}
	if etag != "" && records.NormalizeETag(etag) != records.NormalizeETag(o.info.ETag) {
		return record.ObjectInfo{}, nil, fmt.Errorf("fake: %q: %w", key, record.ErrSuperseded)
	}
	return o.info, append([]byte(nil), o.body[:min(int64(len(o.body)), n)]...), nil
}

// Stream implements record.Objects as OSS answers a ranged GET with
// If-Match.
func (f *fakeObjects) Stream(_ context.Context, key, etag string, from, n int64) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("stream", key); err != nil {
		return nil, err
	}
	o, err := f.get(key)
	if err != nil {
		return nil, err
	}
	if etag != "" && records.NormalizeETag(etag) != records.NormalizeETag(o.info.ETag) {
		return nil, fmt.Errorf("fake: %q: %w", key, record.ErrSuperseded)
	}
	end := min(int64(len(o.body)), from+n)
	return io.NopCloser(bytes.NewReader(bytes.Clone(o.body[min(from, end):end]))), nil
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
