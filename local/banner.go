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
	fmt.Fprint(w, tryScript(st.SignURL, demoToken))
}

// tryScript is the banner's example: sign, upload and list one PNG with
// bash, curl and jq, runnable as printed from the directory holding
// cat.png. Fields go as --form-string: curl's -F would read the
// "; filename=" of the pinned Content-Disposition as an option of its own.
// Without a demo token it names $TOKEN, a caller token the user brings.
func tryScript(signURL, token string) string {
	auth := `"Authorization: Bearer $TOKEN"`
	intro := "try it with a PNG of yours, cat.png (bash, curl and jq; set TOKEN to a caller's JWT first):"
	if token != "" {
		auth = "'Authorization: Bearer " + token + "'"
		intro = "try it with a PNG of yours, cat.png, as the demo user (bash, curl and jq):"
	}
	return fmt.Sprintf(`%[1]s
  curl -s %[2]s/sign -H %[3]s -H 'Content-Type: application/json' \
    -d '{"profile":"image","files":[{"name":"cat.png","type":"image/png","size":'"$(wc -c < cat.png)"'}]}' > ticket.json
  args=(); while IFS=$'\t' read -r k v; do args+=(--form-string "$k=$v"); done < <(jq -r '.uploads[0].fields|to_entries[]|"\(.key)\t\(.value)"' ticket.json)
  curl -s -w '%%{http_code}\n' "$(jq -r '.uploads[0].url' ticket.json)" "${args[@]}" -F 'file=@cat.png;type=image/png'
  curl -s %[2]s/uploads -H %[3]s
(the fields go as --form-string: curl's -F reads the "; filename=" of the pinned Content-Disposition as an
option of its own; the upload is listed once the record function has recorded it, a moment later)

`, intro, signURL, auth)
}
