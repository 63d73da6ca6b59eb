package sign

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/wire"
)

func TestSchedule(t *testing.T) {
	tests := []struct {
		size, partSize int64
		count          int
		last           int64
	}{
		{1, 100, 1, 1},
		{100, 100, 1, 100},
		{101, 100, 2, 1},
		{300, 100, 3, 100},
		{5 << 20 * 10000, 5 << 20, 10000, 5 << 20},
	}
	for _, tt := range tests {
		s := newSchedule(tt.size, tt.partSize)
		var total int64
		for n := 1; n <= s.count; n++ {
			total += s.sizeOf(n)
		}
		type layout struct {
			Count       int
			Last, Total int64
		}
		if diff := cmp.Diff(layout{tt.count, tt.last, tt.size}, layout{s.count, s.sizeOf(s.count), total}); diff != "" {
			t.Errorf("%d in parts of %d (-want +got):\n%s", tt.size, tt.partSize, diff)
		}
	}
	s := newSchedule(10, 1)
	if got := s.firstMissing([]int{1, 2, 5, 9}, 4); !cmp.Equal(got, []int{3, 4, 6, 7}) {
		t.Errorf("firstMissing: got %v", got)
	}
	if got := s.done([]ossclient.Part{{Number: 1, Size: 1}, {Number: 2, Size: 2}, {Number: 11, Size: 1}, {Number: 10, Size: 1}}); !cmp.Equal(got, []int{1, 10}) {
		t.Errorf("done: got %v, want the parts that fit, [1 10]", got)
	}
	p := config.Profile{Name: "p", MinSize: 1, MaxSize: 1 << 40, Multipart: &config.Multipart{PartSize: 100 << 10}}
	if _, err := scheduleFor(p, 10001*(100<<10)); err == nil || err.(*Error).Code != wire.CodeTooManyParts {
		t.Errorf("10,001 parts: got %v, want TooManyParts", err)
	}
}

// TestScheduleCheck: parts listed against a schedule they do not fit are
// PartSizeMismatch naming the first part that does not fit, in the error
// body's part field too.
func TestScheduleCheck(t *testing.T) {
	listed := []ossclient.Part{{Number: 1, Size: mpPart}, {Number: 2, Size: mpPart}, {Number: 3, Size: mpPart}, {Number: 4, Size: mpPart}}
	tests := []struct {
		name    string
		size    int64
		part    int
		message string
	}{
		{"a smaller size", 4*mpPart - 1, 4, "part 4 is 102400 bytes; a 409599-byte file has 4 parts and part 4 is 102399 bytes"},
		{"one part less", 3 * mpPart, 4, "part 4 is not one of them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newSchedule(tt.size, mpPart).check(listed)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("got %v, want an *Error", err)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q, want it to mention %q", e.Message, tt.message)
			}
			w := httptest.NewRecorder()
			writeError(w, e, "r-1")
			got := errorOf(t, w).Error
			want := wire.Error{Code: wire.CodePartSizeMismatch, Message: e.Message, RequestID: "r-1", Part: &tt.part}
			if diff := cmp.Diff(want, got); diff != "" || w.Code != 409 {
				t.Errorf("answer %d (-want +got):\n%s", w.Code, diff)
			}
		})
	}
}
