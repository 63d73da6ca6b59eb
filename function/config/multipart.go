package config

import "fmt"

// Multipart upload limits (OSS's own: a part is 100 KiB to 5 GiB, an
// upload has at most 10,000 parts).
const (
	MinPartSize     int64 = 100 << 10
	MaxPartSize     int64 = 5 << 30
	DefaultPartSize int64 = 5 << 20
	MaxParts              = 10000
)

// Multipart is a profile's multipart setting: files of the profile may go by
// multipart upload (POST /uploads/multipart), and must from Threshold bytes
// up (POST /sign refuses them with MultipartRequired).
type Multipart struct {
	// PartSize is the size of every part but the last, in bytes
	// (MinPartSize to MaxPartSize; DefaultPartSize when not configured).
	PartSize int64
	// Threshold is the size from which a file must go multipart, in bytes
	// (1 to MaxObjectSize, so no form POST is ever larger than OSS takes;
	// twice PartSize, at most MaxObjectSize, when not configured).
	Threshold int64
}

// multipartJSON is the configuration form of a Multipart; zero values mean
// defaults, so {} turns multipart on with every default.
type multipartJSON struct {
	PartSize  int64 `json:"partSize"`
	Threshold int64 `json:"threshold"`
}

// buildMultipart applies defaults to mj (nil: the profile has no multipart)
// and reports every problem through bad.
func buildMultipart(mj *multipartJSON, bad func(format string, a ...any)) *Multipart {
	if mj == nil {
		return nil
	}
	m := &Multipart{PartSize: mj.PartSize, Threshold: mj.Threshold}
	if m.PartSize == 0 {
		m.PartSize = DefaultPartSize
	}
	if m.PartSize < MinPartSize || m.PartSize > MaxPartSize {
		bad("multipart.partSize must be between %d (100 KiB) and %d (5 GiB) bytes, got %d", MinPartSize, MaxPartSize, m.PartSize)
	}
	if m.Threshold == 0 {
		m.Threshold = min(2*m.PartSize, MaxObjectSize)
	}
	if m.Threshold < 1 || m.Threshold > MaxObjectSize {
		bad("multipart.threshold must be between 1 and %d bytes (the largest form upload), got %d", MaxObjectSize, m.Threshold)
	}
	return m
}

// maxSizeLimit is the largest maxSize profile p may have: what one form
// POST can create, or with multipart MaxParts parts of p's part size (any
// file may go multipart, so every allowed size must fit in MaxParts parts).
func (p Profile) maxSizeLimit() int64 {
	if p.Multipart != nil && p.Multipart.PartSize > 0 {
		return MaxParts * p.Multipart.PartSize
	}
	return MaxObjectSize
}

// sizeProblem describes why minSize and maxSize do not fit profile p, or is
// "" when they do.
func (p Profile) sizeProblem() string {
	if limit := p.maxSizeLimit(); p.MinSize < 1 || p.MaxSize < p.MinSize || p.MaxSize > limit {
		return fmt.Sprintf("need 1 <= minSize <= maxSize <= %d, got minSize %d, maxSize %d", limit, p.MinSize, p.MaxSize)
	}
	return ""
}
