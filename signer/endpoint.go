package signer

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// The rules below are OSS's names and addresses. They are the one place
// ossgate states them: the configuration validates with them and the OSS
// client picks its addressing style with PathStyle.

// ValidBucket reports whether name is an OSS bucket name: 3-63 lowercase
// letters, digits and hyphens, starting and ending with a letter or digit.
func ValidBucket(name string) bool {
	return len(name) >= 3 && len(name) <= 63 && hyphenated(name, func(b byte) bool { return isLower(b) || isDigit(b) })
}

// ValidRegion reports whether id is a standard region id such as
// "cn-hangzhou" or "ap-southeast-1": at most 64 bytes, a first group of at
// least two lowercase letters, then one or more groups of lowercase letters
// and digits, each after a single hyphen; the endpoint form "oss-cn-hangzhou"
// is not a region id.
func ValidRegion(id string) bool {
	first, rest, ok := strings.Cut(id, "-")
	if !ok || len(id) > 64 || len(first) < 2 || first == "oss" {
		return false
	}
	for i := 0; i < len(first); i++ {
		if !isLower(first[i]) {
			return false
		}
	}
	return hyphenated(rest, func(b byte) bool { return isLower(b) || isDigit(b) }) && !strings.Contains(rest, "--")
}

// ParseEndpoint normalises an OSS endpoint: an http or https URL with a
// host and no path, query or user info; a value without a scheme gets
// https://. It returns scheme://host[:port], or an error wrapping
// ErrEndpoint.
func ParseEndpoint(s string) (string, error) {
	v := s
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%w: %q (want one like https://oss-cn-hangzhou.aliyuncs.com)", ErrEndpoint, s)
	}
	return u.Scheme + "://" + u.Host, nil
}

// PathStyle reports whether a bucket at endpoint (scheme://host[:port]) is
// addressed in the path (/bucket/key) rather than as a subdomain: for an IP
// address or localhost, which cannot carry one.
func PathStyle(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || net.ParseIP(h) != nil
}

// BucketURL returns the URL of bucket at endpoint (as ParseEndpoint returns
// it), where forms are posted: https://<bucket>.oss-cn-hangzhou.aliyuncs.com
// for a domain name, http://127.0.0.1:9000/<bucket> where PathStyle holds.
func BucketURL(endpoint, bucket string) string {
	scheme, host, _ := strings.Cut(endpoint, "://")
	if PathStyle(endpoint) {
		return endpoint + "/" + bucket
	}
	return scheme + "://" + bucket + "." + host
}
