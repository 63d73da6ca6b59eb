package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Push is the message-push endpoint (JSON data format): the GET
// verification handshake, and POSTed events in plaintext or safe mode, of
// which it acts on wxa_media_check only. With an EncodingAESKey it takes
// safe mode only: in plaintext mode the signature covers no body, so any
// body with a captured query would pass.
type Push struct {
	Token  string // the message-push Token
	AESKey string // the EncodingAESKey; "" accepts plaintext pushes
	AppID  string
	// Traces returns the request's trace store.
	Traces func(ctx context.Context) (Traces, error)
	// Apply settles the record of ref with res (and quarantines a
	// rejected upload, tells the app).
	Apply  func(ctx context.Context, ref Ref, res moderation.Result) error
	Now    func() time.Time
	Logger *slog.Logger
}

// maxSkew bounds how far a push's timestamp may be from now.
const maxSkew = 5 * time.Minute

// mediaCheck is the wxa_media_check event (security.mediaCheckAsync's
// "asynchronous check result push").
type mediaCheck struct {
	MsgType string `json:"MsgType"`
	Event   string `json:"Event"`
	AppID   string `json:"appid"`
	TraceID string `json:"trace_id"`
	Version int    `json:"version"`
	Result  struct {
		Suggest string `json:"suggest"` // risky, pass or review
		Label   int    `json:"label"`
	} `json:"result"`
	Detail []struct {
		Strategy string `json:"strategy"`
		ErrCode  int    `json:"errcode"`
		Suggest  string `json:"suggest"`
		Label    int    `json:"label"`
		Prob     int    `json:"prob"`
	} `json:"detail"`
}

func (p *Push) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !equal(Signature(p.Token, ts, nonce), q.Get("signature")) || !p.fresh(ts) {
		p.log().Warn("wechat: push refused: bad signature or timestamp", "method", r.Method)
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	switch r.Method {
	case http.MethodGet:
		_, _ = io.WriteString(w, q.Get("echostr"))
	case http.MethodPost:
		p.post(w, r, ts, nonce)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (p *Push) log() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// fresh reports whether a push's timestamp is within maxSkew of now.
func (p *Push) fresh(ts string) bool {
	t, err := strconv.ParseInt(ts, 10, 64)
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	return err == nil && now().Sub(time.Unix(t, 0)).Abs() <= maxSkew
}

func (p *Push) post(w http.ResponseWriter, r *http.Request, ts, nonce string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body", http.StatusBadRequest)
		return
	}
	msg, status := p.message(r, body, ts, nonce)
	if status != http.StatusOK {
		p.log().Warn("wechat: push refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	var ev mediaCheck
	if err := json.Unmarshal(msg, &ev); err != nil {
		http.Error(w, "not a JSON event", http.StatusBadRequest)
		return
	}
	if ev.Event != "wxa_media_check" || (p.AppID != "" && ev.AppID != "" && ev.AppID != p.AppID) {
		_, _ = io.WriteString(w, "success") // another event: nothing to do
		return
	}
	if err := p.apply(r.Context(), ev); err != nil {
		p.log().Error("wechat: verdict not applied", "traceId", ev.TraceID, "error", err.Error())
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	_, _ = io.WriteString(w, "success")
}

// message returns the event JSON of a POST: the body in plaintext mode,
// the decrypted Encrypt in safe mode (msg_signature checked).
func (p *Push) message(r *http.Request, body []byte, ts, nonce string) ([]byte, int) {
	q := r.URL.Query()
	if q.Get("encrypt_type") != "aes" {
		if p.AESKey != "" {
			return nil, http.StatusForbidden // safe mode configured: no plaintext
		}
		return body, http.StatusOK
	}
	if p.AESKey == "" {
		return nil, http.StatusForbidden
	}
	var env struct {
		Encrypt string `json:"Encrypt"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, http.StatusBadRequest
	}
	if !equal(Signature(p.Token, ts, nonce, env.Encrypt), q.Get("msg_signature")) {
		return nil, http.StatusForbidden
	}
	msg, err := Decrypt(p.AESKey, p.AppID, env.Encrypt)
	if err != nil {
		return nil, http.StatusForbidden
	}
	return msg, http.StatusOK
}

// apply settles the record of ev's trace: risky rejects, pass accepts,
// review leaves it pending (the profile's timeout rule decides). An
// unknown trace_id is ignored.
func (p *Push) apply(ctx context.Context, ev mediaCheck) error {
	res := moderation.Result{Decided: true, TraceID: ev.TraceID}
	switch ev.Result.Suggest {
	case "risky":
		res.Rejected = true
		for _, d := range ev.Detail {
			if d.Suggest == "risky" {
				res.Labels = append(res.Labels, records.Label{Label: d.Strategy + ":" + strconv.Itoa(d.Label), Confidence: float64(d.Prob)})
			}
		}
	case "pass":
	default:
		p.log().Info("wechat: verdict left for review", "traceId", ev.TraceID, "suggest", ev.Result.Suggest)
		return nil
	}
	traces, err := p.Traces(ctx)
	if err != nil {
		return err
	}
	ref, err := traces.Get(ctx, ev.TraceID)
	if errors.Is(err, ErrUnknownTrace) {
		p.log().Warn("wechat: verdict for an unknown trace_id ignored", "traceId", ev.TraceID)
		return nil
	}
	if err != nil {
		return err
	}
	return p.Apply(ctx, ref, res)
}
