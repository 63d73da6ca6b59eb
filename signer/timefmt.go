package signer

import "time"

// appendDate appends t as DateLayout ("20060102T150405Z"). t must be UTC
// with a year in 1..9999. It is time.AppendFormat without the layout parsing.
func appendDate(dst []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = append4(dst, y)
	dst = append2(append2(dst, int(mo)), d)
	dst = append(dst, 'T')
	dst = append2(append2(append2(dst, h), mi), s)
	return append(dst, 'Z')
}

// appendExpiration appends t as ExpirationLayout
// ("2006-01-02T15:04:05.000Z"). t must be UTC with a year in 1..9999.
func appendExpiration(dst []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	dst = append(append4(dst, y), '-')
	dst = append(append2(dst, int(mo)), '-')
	dst = append(append2(dst, d), 'T')
	dst = append(append2(dst, h), ':')
	dst = append(append2(dst, mi), ':')
	dst = append(append2(dst, s), '.')
	dst = append(dst, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(dst, 'Z')
}

func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

func append4(dst []byte, v int) []byte {
	return append2(append2(dst, v/100), v%100)
}
