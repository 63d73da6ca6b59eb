package sign

import (
	"fmt"
	"strings"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// objectURL is the URL of the object at key under base (the bucket's
// upload URL or its public base URL), followed by "?" and query when query
// is not empty.
func objectURL(base, key, query string) string {
	var b strings.Builder
	b.Grow(len(base) + len(key) + len(query) + 2)
	b.WriteString(base)
	b.WriteByte('/')
	b.WriteString(upload.EscapeKey(key))
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	return b.String()
}

// publicURL is where the object at key is served.
func (h *Handler) publicURL(key string) string {
	return objectURL(h.o.Config.OSS.PublicBaseURL, key, "")
}

// pinned is what an upload's object carries besides its bytes and type,
// the same whichever way it is uploaded: the upload contract's metadata
// (package upload) and its Content-Disposition. A ticket's policy pins
// these values; a multipart initiation sets them.
type pinned struct {
	uploader, profile, filename string
	openid                      string // "" for none: p does not moderate with wechat
	disposition                 string // "" for none
}

// pin returns what the object of f, uploaded by user (whose WeChat openid
// is openid, "" when p does not moderate with wechat) under p, carries.
func pin(user, openid string, p config.Profile, f wire.File) pinned {
	return pinned{
		uploader: user, profile: p.Name, filename: upload.EscapeFilename(f.Name), openid: openid,
		disposition: upload.ContentDisposition(p.Disposition, f.Name),
	}
}

// openID returns the openid pinned on id's uploads under p: the claim
// config.WeChat.OpenIDClaim names when p moderates with wechat (whose
// checks name the user by it), "" otherwise. A caller whose token lacks it
// is refused 401, before anything is signed.
func (h *Handler) openID(id auth.Identity, p config.Profile) (string, error) {
	if p.Moderation.Provider != config.ModerationWeChat {
		return "", nil
	}
	claim := h.o.Config.WeChat.OpenIDClaim
	if claim == "" {
		claim = config.DefaultWeChatOpenIDClaim
	}
	openid, ok := id.Claim(claim)
	if !ok {
		return "", &Error{Code: wire.CodeUnauthenticated, Message: fmt.Sprintf(
			"profile %q is moderated by WeChat, which needs the uploader's openid: the bearer token must carry it in its %q claim (a string of 1 to %d printable ASCII characters)",
			p.Name, claim, auth.MaxSubjectLen)}
	}
	return openid, nil
}

// initiation is how a multipart upload of a file of type ctype is
// initiated: with m and x-oss-forbid-overwrite.
func (m pinned) initiation(ctype string) ossclient.Initiation {
	meta := map[string]string{
		upload.MetaUploader: m.uploader,
		upload.MetaProfile:  m.profile,
		upload.MetaFilename: m.filename,
	}
	if m.openid != "" {
		meta[upload.MetaOpenID] = m.openid
	}
	return ossclient.Initiation{ContentType: ctype, ContentDisposition: m.disposition, Meta: meta, ForbidOverwrite: true}
}

// objectID returns a new random object id for an upload key.
func (h *Handler) objectID() (string, error) {
	id, err := h.o.NewID()
	if err != nil {
		return "", fmt.Errorf("sign: object id: %w", err)
	}
	return id, nil
}
