package sign

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/signer"
)

// sign serves POST /sign.
func (h *Handler) sign(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	req, err := decodeRequest(w, r)
	if err != nil {
		return err
	}
	e.profile = req.Profile
	p, err := validate(&req, h.o.Config.Profiles)
	if err != nil {
		return err
	}
	e.profile = p.Name
	if err := multipartRequired(p, req.Files); err != nil {
		return err
	}
	openid, err := h.openID(id, p)
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	now := h.o.Now().UTC().Truncate(time.Second)
	res := wire.SignResponse{Uploads: make([]wire.Ticket, 0, len(req.Files))}
	var claims []records.Claim
	for _, f := range req.Files {
		oid, err := h.objectID()
		if err != nil {
			return err
		}
		in := ticketInput{oss: &h.o.Config.OSS, layout: h.layout, profile: p, user: id.User, openid: openid, file: f, id: oid, now: now, fixed: h.fixed[p.Name]}
		u, err := in.ticket(c)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		res.Uploads = append(res.Uploads, u)
		e.keys = append(e.keys, u.Key)
		if p.Quota.On() || p.Rate.On() {
			claims = append(claims, records.Claim{Key: u.Key, Size: u.MaxSize, Expires: u.ExpiresAt.Add(RecordingWindow)})
		}
	}
	if err := h.Admit(r.Context(), id.User, p, claims, now); err != nil {
		return err
	}
	buf := getBuffer()
	*buf = appendResponse((*buf)[:0], res)
	writeRaw(w, http.StatusOK, *buf)
	putBuffer(buf)
	return nil
}

// ticketInput is everything one ticket depends on.
type ticketInput struct {
	oss     *config.OSS
	layout  upload.Layout
	profile config.Profile
	user    string
	openid  string // "" unless profile moderates with wechat
	file    wire.File
	id      string           // random object id
	now     time.Time        // UTC, whole seconds
	fixed   *fixedConditions // the profile's, from Handler; file.Type is one of its types
}

// fixedConditions are the conditions of a profile's tickets that are the
// same on every request, built once when the Handler is made (a
// signer.Condition is immutable and safe to share).
type fixedConditions struct {
	bucket, status, profile signer.Condition
	contentType             map[string]signer.Condition // by allowed type
	// forbidOverwrite makes a ticket single-use: OSS stores its key once
	// and answers any later post of it 409 FileAlreadyExists.
	forbidOverwrite signer.Condition
	// callback pins the callback field (OSS calls the sign function back);
	// nil when no callback is configured.
	callback *signer.Condition
}

// newFixedConditions returns the fixed conditions of profile p's tickets;
// callbackURL is where OSS calls back, "" for no callback.
func newFixedConditions(bucket string, p config.Profile, callbackURL string) *fixedConditions {
	f := &fixedConditions{
		bucket:      signer.Bucket(bucket),
		status:      signer.Eq("success_action_status", strconv.Itoa(p.SuccessActionStatus)),
		profile:     signer.Eq(upload.MetaProfile, p.Name),
		contentType: make(map[string]signer.Condition, len(p.Types)),
	}
	f.forbidOverwrite = signer.Eq("x-oss-forbid-overwrite", "true")
	for _, t := range p.Types {
		f.contentType[t] = signer.Eq("Content-Type", t)
	}
	if callbackURL != "" {
		c := signer.Eq("callback", encodeCallback(callbackURL))
		f.callback = &c
	}
	return f
}

// policy returns the policy pinning bucket, key, type, the exact size,
// success status, the uploader, profile and file name metadata (and the
// openid, for a profile on wechat), that the key is written once
// (x-oss-forbid-overwrite) and how OSS serves it (Content-Disposition: the
// profile's disposition with the file name), and, when one is configured,
// the callback to the sign function.
func (in ticketInput) policy(key string) signer.Policy {
	f, m := in.fixed, pin(in.user, in.openid, in.profile, in.file)
	c := make([]signer.Condition, 0, 14)
	c = append(c,
		f.bucket,
		signer.Eq("key", key),
		f.contentType[in.file.Type],
		signer.ContentLengthRange(in.file.Size, in.file.Size),
		f.status,
		signer.Eq(upload.MetaUploader, m.uploader),
		f.profile,
		signer.Eq(upload.MetaFilename, m.filename),
	)
	if m.openid != "" {
		c = append(c, signer.Eq(upload.MetaOpenID, m.openid))
	}
	c = append(c, f.forbidOverwrite, signer.Eq("Content-Disposition", m.disposition))
	return signer.Policy{
		Expiration: in.now.Add(in.profile.Expiry),
		Conditions: append(c, callbackConditions(f.callback, m.uploader, m.profile)...),
	}
}

// ticket signs the upload of in.file with c.
func (in ticketInput) ticket(c signer.Credentials) (wire.Ticket, error) {
	ext, _ := config.Extension(in.file.Type) // validated types always have one
	key := in.layout.UploadKey(in.profile.Name, in.user, in.now, in.id, ext)
	p := in.policy(key)
	form, err := signer.Sign(c, p, in.oss.Region, in.now)
	if err != nil {
		return wire.Ticket{}, err
	}
	return wire.Ticket{
		URL: in.oss.UploadURL, Key: key, Fields: form, ExpiresAt: p.Expiration,
		MaxSize: in.file.Size, ObjectURL: objectURL(in.oss.PublicBaseURL, key, ""), RecordID: records.ID(in.oss.Bucket, key),
	}, nil
}
