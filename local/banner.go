package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/local/stack"
)

// demoSession gives a run without OSSGATE_JWT_SECRET a random per-run HS256
// secret and a token for the user "demo", so the demo page can list its own
// uploads (GET /uploads always needs a signed-in caller). The secret lives
// only in this process and the functions it starts.
func demoSession(now time.Time) (secret, token string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("demo secret: %w", err)
	}
	secret = hex.EncodeToString(b)
	token, err = jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   "demo",
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(12 * time.Hour)),
	}).SignedString([]byte(secret))
	if err != nil {
		return "", "", fmt.Errorf("demo token: %w", err)
	}
	return secret, token, nil
}

// printBanner tells a person at a terminal what runs where and how to try it.
func printBanner(w io.Writer, st *stack.Stack, anonymous bool, demoToken string) {
	fmt.Fprintf(w, `
ossgate local stack is running (Ctrl-C stops it)

  sign endpoint   %[1]s/sign        (POST; also /healthz, /uploads)
  demo page       %[2]s
  OSS endpoint    %[3]s        (path-style: %[3]s/%[4]s/<key>, region %[5]s)
  data directory  %[6]s

`, st.SignURL, st.DemoURL, st.OSSURL, st.Bucket, st.Region, st.DataDir)
	if st.Link != nil {
		fmt.Fprintf(w, "  shaped link     %s -> the OSS endpoint (-link): clients upload through it\n\n", st.OSSPublicURL)
	}
	if demoToken != "" {
		fmt.Fprintf(w, "  demo user       %s/demo/web/?token=%s\n"+
			"                  (a per-run HS256 secret and a token for user \"demo\": the page lists its uploads)\n\n",
			st.SignURL, demoToken)
	}
	if anonymous {
		fmt.Fprint(w, "  WARNING: anonymous signing is ON (-anonymous=true): anyone who can reach the sign\n"+
			"  endpoint gets upload tickets. Fine on localhost; never deploy with OSSGATE_ALLOW_ANONYMOUS=true.\n\n")
	}
	fmt.Fprintf(w, `try (size must be the file's exact size in bytes):
  curl -s -X POST %s/sign -H 'Content-Type: application/json' \
    -d '{"profile":"image","files":[{"name":"cat.png","type":"image/png","size":1024}]}'
then post every returned field (-F name=value, in any order) and last -F file=@cat.png to the returned url.

`, st.SignURL)
}
