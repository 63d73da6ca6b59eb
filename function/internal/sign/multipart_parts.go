package sign

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/signer"
)

// schedule is the part layout of a file: count =
// ceil(size/partSize), at least 1; parts 1..count of partSize bytes but the
// last, which holds the rest.
type schedule struct {
	size, partSize int64
	count          int
}

func newSchedule(size, partSize int64) schedule {
	return schedule{size: size, partSize: partSize, count: int(max(1, (size+partSize-1)/partSize))}
}

// sizeOf is the size of part n, 1 <= n <= s.count.
func (s schedule) sizeOf(n int) int64 {
	if n < s.count {
		return s.partSize
	}
	return s.size - int64(s.count-1)*s.partSize
}

// checkNumbers checks the part numbers a client asked URLs for: 1 to
// MaxPartURLs of them, each in 1..count (InvalidParts otherwise); it
// returns them without repeats, in the order asked.
func (s schedule) checkNumbers(numbers []int) ([]int, error) {
	if len(numbers) == 0 || len(numbers) > MaxPartURLs {
		return nil, errorf(wire.CodeInvalidParts, "parts must list 1 to %d part numbers, got %d", MaxPartURLs, len(numbers))
	}
	seen := make(map[int]bool, len(numbers))
	out := make([]int, 0, len(numbers))
	for _, n := range numbers {
		if n < 1 || n > s.count {
			return nil, errorf(wire.CodeInvalidParts, "part %d is not one of the upload's parts 1..%d", n, s.count)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// done returns the numbers of the listed parts that fit the schedule (a
// number in range, the size the schedule gives it), ascending, never nil.
func (s schedule) done(listed []ossclient.Part) []int {
	out := []int{}
	for _, p := range listed {
		if p.Number >= 1 && p.Number <= s.count && p.Size == s.sizeOf(p.Number) {
			out = append(out, p.Number)
		}
	}
	return out
}

// firstMissing returns the first at most limit part numbers, ascending,
// not in done (ascending).
func (s schedule) firstMissing(done []int, limit int) []int {
	out := make([]int, 0, min(limit, s.count))
	for n, i := 1, 0; n <= s.count && len(out) < limit; n++ {
		for i < len(done) && done[i] < n {
			i++
		}
		if i < len(done) && done[i] == n {
			continue
		}
		out = append(out, n)
	}
	return out
}

// check compares the listed parts (ascending) with the schedule: a part out
// of range or of another size is PartSizeMismatch (naming the part), missing
// parts are PartsMissing (listing the first MaxPartURLs); it returns the
// parts to complete with.
func (s schedule) check(listed []ossclient.Part) ([]ossclient.Part, error) {
	for _, p := range listed {
		if p.Number < 1 || p.Number > s.count || p.Size != s.sizeOf(p.Number) {
			want := "is not one of them"
			if p.Number >= 1 && p.Number <= s.count {
				want = fmt.Sprintf("is %d bytes", s.sizeOf(p.Number))
			}
			return nil, &Error{Code: wire.CodePartSizeMismatch, Extra: wire.Error{Part: &p.Number},
				Message: fmt.Sprintf("part %d is %d bytes; a %d-byte file has %d parts and part %d %s", p.Number, p.Size, s.size, s.count, p.Number, want)}
		}
	}
	if len(listed) == s.count {
		return listed, nil
	}
	have := make([]int, len(listed))
	for i, p := range listed {
		have[i] = p.Number
	}
	missing := s.firstMissing(have, MaxPartURLs)
	return nil, &Error{Code: wire.CodePartsMissing, Extra: wire.Error{Missing: missing},
		Message: fmt.Sprintf("%d of %d parts are missing, first %v", s.count-len(listed), s.count, missing[:min(len(missing), 10)])}
}

// partSigner presigns the UploadPart requests of one upload.
type partSigner struct {
	c             signer.Credentials
	oss           *config.OSS
	key, uploadID string
	s             schedule
	expires       time.Duration
	now           time.Time
}

// urls returns the presigned requests of the given parts.
func (ps partSigner) urls(numbers []int) ([]wire.PartURL, error) {
	out := make([]wire.PartURL, 0, len(numbers))
	for _, n := range numbers {
		u, err := presignPart(ps, n)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// presignPart returns the presigned UploadPart request of part n: a V4
// query-signed PUT whose signature covers Content-Type and, through
// x-oss-additional-headers, Content-Length, so OSS refuses a body of any
// other size. It carries the sign role's oss:PutObject.
func presignPart(ps partSigner, n int) (wire.PartURL, error) {
	size := ps.s.sizeOf(n)
	p, err := signer.Presign(ps.c, signer.PresignRequest{
		Method: "PUT", Bucket: ps.oss.Bucket, Key: ps.key,
		Query:             map[string]string{"partNumber": strconv.Itoa(n), "uploadId": ps.uploadID},
		Headers:           map[string]string{"Content-Type": partContentType, "Content-Length": strconv.FormatInt(size, 10)},
		AdditionalHeaders: []string{"content-length"},
		Expires:           ps.expires,
	}, ps.oss.Region, ps.now)
	if err != nil {
		return wire.PartURL{}, fmt.Errorf("sign: part %d: %w", n, err)
	}
	return wire.PartURL{Number: n, URL: objectURL(ps.oss.UploadURL, ps.key, p.Query), Size: size,
		Headers: map[string]string{"Content-Type": partContentType}, ExpiresAt: p.Expires}, nil
}
