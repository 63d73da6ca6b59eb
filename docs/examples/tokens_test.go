// Package examples holds the tests of the examples docs/tokens.md shows:
// the token-go and token-node backends run as documented, against a stand-in
// for WeChat's code2session on loopback, and the tokens they mint are
// accepted by the sign function of the local stack.
package examples

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

const (
	repoRoot  = "../.."
	secret    = "tokens-example-secret-of-32-bytes-at-least"
	appID     = "wx0123456789abcdef"
	appSecret = "example-app-secret"
	openID    = "oVw9x5FAKEopenidForTheTest"
)

// code2session stands in for https://api.weixin.qq.com/sns/jscode2session:
// the code "good" of the right app is the user openID, anything else
// WeChat's invalid-code error.
func code2session(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/plain") // as WeChat labels its JSON
		if r.URL.Path != "/sns/jscode2session" || q.Get("appid") != appID || q.Get("secret") != appSecret ||
			q.Get("grant_type") != "authorization_code" || q.Get("js_code") != "good" {
			_, _ = io.WriteString(w, `{"errcode":40029,"errmsg":"invalid code, rid: 0"}`)
			return
		}
		_, _ = io.WriteString(w, `{"openid":"`+openID+`","session_key":"c2Vzc2lvbi1rZXk="}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// start runs an example backend and returns its URL (from the "listening
// on" line it logs).
func start(t *testing.T, wx string, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "OSSGATE_JWT_SECRET="+secret, "WX_APPID="+appID, "WX_SECRET="+appSecret,
		"WX_API="+wx, "ADDR=127.0.0.1:0", "PORT=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	timeout := time.After(2 * time.Minute) // go run compiles first
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("%v stopped before listening", argv)
			}
			if m := re.FindStringSubmatch(l); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatalf("%v: no listening line", argv)
		}
	}
}

func login(t *testing.T, backend, code string) (int, string) {
	t.Helper()
	resp, err := http.Post(backend+"/login", "application/json", strings.NewReader(`{"code":"`+code+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Token
}

func TestTokenExamplesMintTokensTheStackAccepts(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("OSSGATE_REQUIRE_ORACLE") == "1" {
			t.Fatal("node is needed for the Node.js example")
		}
		t.Skip("node is needed for the Node.js example")
	}
	code := t.TempDir()
	if err := codepkg.Build(t.Context(), repoRoot, "./function", code); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: t.TempDir(), JWTSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wx := code2session(t)
	for name, argv := range map[string][]string{
		"go":   {"go", "run", "./docs/examples/token-go"},
		"node": {"node", filepath.Join("docs", "examples", "token-node", "server.js")},
	} {
		t.Run(name, func(t *testing.T) {
			backend := start(t, wx.URL, argv...)
			status, token := login(t, backend, "good")
			if status != http.StatusOK || token == "" {
				t.Fatalf("login: got %d, token %q; want 200 and a token", status, token)
			}
			claims := payload(t, token)
			if claims["sub"] != openID || claims["exp"].(float64)-claims["iat"].(float64) > 24*3600 {
				t.Errorf("claims %v: want sub %s and exp - iat at most 24h", claims, openID)
			}
			tk, err := testutil.AskTicket(http.DefaultClient, st.SignURL, "Bearer "+token, "image", "cat.png", "image/png", 100)
			if err != nil {
				t.Fatalf("POST /sign with the minted token: %v", err)
			}
			if !strings.Contains(tk.Key, "/"+openID+"/") {
				t.Errorf("key %q: want the openid as the user segment", tk.Key)
			}
			if status, token := login(t, backend, "expired"); status != http.StatusUnauthorized || token != "" {
				t.Errorf("login with a code WeChat refuses: got %d, %q; want 401, no token", status, token)
			}
		})
	}
}

func payload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWS", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTokensDocShowsTheExamples checks that docs/tokens.md shows the
// tested files as they are.
func TestTokensDocShowsTheExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "tokens.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"token-go/main.go", "token-node/server.js"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), string(b)) {
			t.Errorf("docs/tokens.md does not show docs/examples/%s as it is", f)
		}
	}
}
