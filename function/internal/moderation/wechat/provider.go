// Package wechat is the moderation provider of WeChat's content security
// for mini-programs: file names through msgSecCheck v2 (synchronous, when
// enabled), images through security.mediaCheckAsync v2, whose verdict
// WeChat pushes to the sign function's message-push endpoint (Push),
// matched to the record by its trace_id (Traces).
package wechat

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Scene is the scene of every check: 2, comments (the scenes are 1
// profile, 2 comment, 3 forum, 4 social log).
const Scene = 2

// Provider asks WeChat.
type Provider struct {
	Client *Client
	// MediaURL returns a URL WeChat can fetch the object of r from (a
	// presigned GET valid long enough: WeChat answers within 30 minutes).
	MediaURL func(ctx context.Context, r records.Record) (string, error)
	Traces   Traces
	// CheckNames sends the original file name through msgSecCheck first.
	CheckNames bool
}

// Check implements moderation.Provider. The checks name the user by the
// record's openid (the token claim the sign function pinned on the
// upload), else, for an upload signed without one, by its uploader. A
// risky file name rejects at once; otherwise the image check is asked for
// and the record waits for WeChat's push.
func (p *Provider) Check(ctx context.Context, r records.Record, _ config.Moderation) (moderation.Result, error) {
	openid := r.OpenID
	if openid == "" {
		openid = r.Uploader
	}
	if p.CheckNames && r.OriginalName != "" {
		res, err := p.Client.MsgSecCheck(ctx, r.OriginalName, openid, Scene)
		if err != nil {
			return moderation.Result{}, err
		}
		if res.Result.Suggest == "risky" {
			return moderation.Result{Decided: true, Rejected: true, TraceID: res.TraceID,
				Labels: []records.Label{{Label: "name:" + strconv.Itoa(res.Result.Label)}}}, nil
		}
	}
	u, err := p.MediaURL(ctx, r)
	if err != nil {
		return moderation.Result{}, fmt.Errorf("wechat: media url: %w", err)
	}
	trace, err := p.Client.MediaCheckAsync(ctx, u, openid, Scene)
	if err != nil {
		return moderation.Result{}, err
	}
	if err := p.Traces.Put(ctx, trace, Ref{User: r.Uploader, ID: r.ID}); err != nil {
		return moderation.Result{}, err
	}
	return moderation.Result{TraceID: trace}, nil
}
