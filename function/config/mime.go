package config

import "sort"

// extensions maps every MIME type a profile may allow to the one file
// extension object keys of that type get. The extension of a key comes from
// this table only, never from the client's file name. A type missing here
// cannot be configured. Active content a browser would run from the bucket
// origin (text/html, image/svg+xml, JavaScript) is deliberately absent.
var extensions = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"image/webp":      ".webp",
	"image/gif":       ".gif",
	"image/heic":      ".heic",
	"image/avif":      ".avif",
	"video/mp4":       ".mp4",
	"video/quicktime": ".mov",
	"audio/mpeg":      ".mp3",
	"audio/mp4":       ".m4a",
	"application/pdf": ".pdf",
	"application/zip": ".zip",
	"text/plain":      ".txt",
	"text/csv":        ".csv",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}

// Extension returns the key extension (with its dot) for the MIME type
// mimeType, which must be lower case without parameters, and whether the type
// is known.
func Extension(mimeType string) (string, bool) {
	ext, ok := extensions[mimeType]
	return ext, ok
}

// KnownTypes returns every MIME type Extension knows, sorted.
func KnownTypes() []string {
	out := make([]string, 0, len(extensions))
	for t := range extensions {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
