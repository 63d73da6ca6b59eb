package sign

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// Admit admits one call of user on profile p at now that hands out the
// tickets claims, against p's quota and rate, through the record store
// (across every instance). It is the one admission path: POST /sign calls
// it with the tickets it signed, and any other endpoint that hands out
// upload tickets (multipart initiation) must call it the same way before
// answering. A profile without quota or rate admits without asking the
// store.
//
// It returns nil when admitted; a refusal is an *Error with code
// QuotaExceeded (429) whose RetryAfter and Exceeded say when to try again
// and what was exceeded; a store failure is 503 StoreUnavailable (the
// call is refused: a quota is never left unenforced).
func (h *Handler) Admit(ctx context.Context, user string, p config.Profile, claims []records.Claim, now time.Time) error {
	if !p.Quota.On() && !p.Rate.On() {
		return nil
	}
	s, err := h.store(ctx)
	if err != nil {
		return err
	}
	req := admitRequest(user, p, now)
	req.Claims = claims
	d, err := s.Admit(ctx, req)
	if err != nil {
		return storeError(err)
	}
	if d.Admitted {
		return nil
	}
	return quotaError(p, d, now)
}

// initiate admits the multipart upload of f at key through the profile's
// quota (its claim lives as long as the upload can be completed: the
// sweep age), then initiates it and returns its upload id. Admitting first
// means a refused call costs no OSS write; an initiation that fails
// releases the claim again (best effort: a claim left behind lapses with
// its life).
func (h *Handler) initiate(ctx context.Context, mp OSS, user, openid string, p config.Profile, f wire.File, key string, now time.Time) (string, error) {
	claim := records.Claim{Key: key, Size: f.Size, Expires: now.Add(h.o.Config.SweepAge + RecordingWindow)}
	if err := h.Admit(ctx, user, p, []records.Claim{claim}, now); err != nil {
		return "", err
	}
	uploadID, err := mp.Initiate(key, pin(user, openid, p, f).initiation(f.Type))
	if err == nil {
		return uploadID, nil
	}
	if p.Quota.On() || p.Rate.On() {
		if rerr := h.release(ctx, user, p.Name, key); rerr != nil {
			h.o.Logger.WarnContext(ctx, "sign: release of the claim of a failed initiation failed", "key", key, "error", rerr.Error())
		}
	}
	return "", ossError(err)
}

// release drops user's claim on key under profile.
func (h *Handler) release(ctx context.Context, user, profile, key string) error {
	s, err := h.store(ctx)
	if err != nil {
		return err
	}
	return s.Release(ctx, user, profile, key)
}

// admitCall admits one call of user on p at now that hands out no ticket:
// against p's rate only (a quota already used up does not refuse it).
func (h *Handler) admitCall(ctx context.Context, user string, p config.Profile, now time.Time) error {
	p.Quota = config.Quota{}
	return h.Admit(ctx, user, p, nil, now)
}

// admitRequest is the request of user on p at now, without claims.
func admitRequest(user string, p config.Profile, now time.Time) records.AdmitRequest {
	l := records.Limits{Files: p.Quota.Files, Bytes: p.Quota.Bytes, Signs: p.Rate.Signs}
	l.PeriodStart, l.PeriodEnd = p.Quota.Period(now)
	l.RateStart, l.RateEnd = p.Rate.Window(now)
	return records.AdmitRequest{User: user, Profile: p.Name, At: now, Limits: l}
}

// quotaError is the 429 of a refusal.
func quotaError(p config.Profile, d records.Decision, now time.Time) *Error {
	e := &Error{Code: wire.CodeQuotaExceeded, Extra: wire.Error{Exceeded: d.Exceeded, RetryAfter: retrySeconds(d.RetryAt, now)}}
	switch d.Exceeded {
	case records.ExceededRate:
		e.Message = fmt.Sprintf("at most %d calls per %s for profile %s", p.Rate.Signs, p.Rate.Per, p.Name)
	case records.ExceededFiles:
		e.Message = fmt.Sprintf("at most %d files per %s for profile %s (%d used, counting valid tickets)", p.Quota.Files, p.Quota.Per, p.Name, d.Usage.Files)
	case records.ExceededBytes:
		e.Message = fmt.Sprintf("at most %d bytes per %s for profile %s (%d used, counting valid tickets)", p.Quota.Bytes, p.Quota.Per, p.Name, d.Usage.Bytes)
	default:
		e.Message = "too many calls at once for this user; try again"
	}
	return e
}

// retrySeconds is the Retry-After of a retry at at: whole seconds from
// now, at least 1.
func retrySeconds(at, now time.Time) int {
	return max(1, int(math.Ceil(at.Sub(now).Seconds())))
}

// quota serves GET /quota?profile=: the profile's quota and rate, and for
// a quota what the caller has used of it in the current period and what
// is left.
func (h *Handler) quota(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("profile")
	e.profile = name
	p, ok := h.o.Config.Profiles[name]
	if !ok {
		return errorf(wire.CodeUnknownProfile, "unknown profile %.64q", name)
	}
	a := wire.QuotaAnswer{Profile: p.Name}
	if p.Rate.On() {
		a.Rate = &p.Rate
	}
	if !p.Quota.On() {
		writeJSON(w, http.StatusOK, a)
		return nil
	}
	s, err := h.store(r.Context())
	if err != nil {
		return err
	}
	now := h.o.Now()
	req := admitRequest(id.User, p, now)
	u, err := s.Usage(r.Context(), req)
	if err != nil {
		return storeError(err)
	}
	a.Quota, a.ResetsAt = &p.Quota, &req.Limits.PeriodEnd
	a.Used, a.Left = &wire.Amounts{Files: &u.Files, Bytes: &u.Bytes}, &wire.Amounts{}
	if p.Quota.Files > 0 {
		left := max(0, p.Quota.Files-u.Files)
		a.Left.Files = &left
	}
	if p.Quota.Bytes > 0 {
		left := max(0, p.Quota.Bytes-u.Bytes)
		a.Left.Bytes = &left
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
