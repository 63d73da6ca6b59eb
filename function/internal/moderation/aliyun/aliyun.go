// Package aliyun is the moderation provider of Alibaba Cloud Content
// Moderation (enhanced edition, API version 2022-03-02): one synchronous
// ImageModeration call per upload, RPC style, signed with the calling
// function's STS credentials, through the generic OpenAPI client the
// official SDKs are built on (github.com/alibabacloud-go/darabonba-openapi).
//
// The request is the one the official SDK's ImageModerationWithOptions
// makes (github.com/alibabacloud-go/green-20220302 client/client.go): POST
// "/", Action ImageModeration, Version 2022-03-02, form body Service and
// ServiceParameters (a JSON string). The image is named as an object in
// the upload bucket (ossBucketName, ossObjectName, ossRegionId), which the
// service reads itself once it has been authorised to read OSS; dataId is
// the record ID. The answer is Code (200 on success), Msg, RequestId and
// Data{RiskLevel, Result[{Label, Confidence, RiskLevel, Description}]}
// ("Image Moderation 2.0 API", help.aliyun.com/document_detail/467829).
package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/signer"
)

// The API of the call.
const (
	Action  = "ImageModeration"
	Version = "2022-03-02"
)

// Options configure a Provider; every field is required.
type Options struct {
	// Endpoint is the service's scheme://host, e.g.
	// https://green-cip-vpc.cn-shanghai.aliyuncs.com.
	Endpoint string
	// Region and Bucket name the upload bucket (ossRegionId,
	// ossBucketName).
	Region, Bucket string
	// Credentials returns the invocation's credentials (the function
	// role's STS token).
	Credentials func(ctx context.Context) (signer.Credentials, error)
}

// Provider is the Content Moderation provider.
type Provider struct {
	o      Options
	scheme string
	host   string
}

// New returns the provider of o.
func New(o Options) (*Provider, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("aliyun: endpoint %q: want scheme://host", o.Endpoint)
	}
	if o.Region == "" || o.Bucket == "" || o.Credentials == nil {
		return nil, errors.New("aliyun: region, bucket and credentials are required")
	}
	return &Provider{o: o, scheme: u.Scheme, host: u.Host}, nil
}

// serviceParameters is the ServiceParameters JSON of one image in OSS.
type serviceParameters struct {
	OSSBucketName string `json:"ossBucketName"`
	OSSObjectName string `json:"ossObjectName"`
	OSSRegionID   string `json:"ossRegionId"`
	DataID        string `json:"dataId"`
}

// Response is the body of an ImageModeration answer.
type Response struct {
	Code      int    `json:"Code"`
	Msg       string `json:"Msg"`
	RequestID string `json:"RequestId"`
	Data      struct {
		DataID    string   `json:"DataId"`
		RiskLevel string   `json:"RiskLevel"`
		Result    []Result `json:"Result"`
	} `json:"Data"`
}

// Result is one label of a Response.
type Result struct {
	Label       string  `json:"Label"`
	Confidence  float64 `json:"Confidence"`
	RiskLevel   string  `json:"RiskLevel"`
	Description string  `json:"Description"`
}

// Check implements moderation.Provider: one ImageModeration call of the
// profile's service; the image is rejected when the answer's risk level is
// at or above the profile's RejectLevel.
func (p *Provider) Check(ctx context.Context, r records.Record, m config.Moderation) (moderation.Result, error) {
	c, err := p.o.Credentials(ctx)
	if err != nil {
		return moderation.Result{}, fmt.Errorf("aliyun: credentials: %w", err)
	}
	client, err := openapi.NewClient(&openapiutil.Config{
		AccessKeyId: dara.String(c.AccessKeyID), AccessKeySecret: dara.String(c.AccessKeySecret),
		SecurityToken: optional(c.SecurityToken), Endpoint: dara.String(p.host), Protocol: dara.String(p.scheme),
		RegionId: dara.String(p.o.Region), ConnectTimeout: dara.Int(3000), ReadTimeout: dara.Int(10000),
	})
	if err != nil {
		return moderation.Result{}, fmt.Errorf("aliyun: client: %w", err)
	}
	sp, err := json.Marshal(serviceParameters{OSSBucketName: p.o.Bucket, OSSObjectName: r.Key, OSSRegionID: p.o.Region, DataID: r.ID})
	if err != nil {
		return moderation.Result{}, err
	}
	params := &openapiutil.Params{
		Action: dara.String(Action), Version: dara.String(Version), Protocol: dara.String("HTTPS"), Pathname: dara.String("/"),
		Method: dara.String("POST"), AuthType: dara.String("AK"), Style: dara.String("RPC"),
		ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}
	req := &openapiutil.OpenApiRequest{Body: map[string]any{"Service": m.Service, "ServiceParameters": string(sp)}}
	out, err := client.CallApiWithCtx(ctx, params, req, &dara.RuntimeOptions{Autoretry: dara.Bool(false)})
	if err != nil {
		return moderation.Result{}, fmt.Errorf("aliyun: %s: %w", Action, err)
	}
	body, err := json.Marshal(out["body"])
	if err != nil {
		return moderation.Result{}, fmt.Errorf("aliyun: %s: %w", Action, err)
	}
	var res Response
	if err := json.Unmarshal(body, &res); err != nil {
		return moderation.Result{}, fmt.Errorf("aliyun: %s: answer %s: %w", Action, body, err)
	}
	return Decide(res, m.RejectLevel)
}

// optional is s, or nil when it is empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return dara.String(s)
}

// levels are the risk levels in rising order.
var levels = []string{"none", "low", "medium", "high"}

// Decide turns an answer into a result: an error for an answer whose Code
// is not 200, rejected when its RiskLevel is at or above rejectLevel, with
// the labels of its results (the "nonLabel" of a clean image left out).
func Decide(res Response, rejectLevel string) (moderation.Result, error) {
	if res.Code != 200 {
		return moderation.Result{}, fmt.Errorf("aliyun: %s: code %d: %s (request %s)", Action, res.Code, res.Msg, res.RequestID)
	}
	level := slices.Index(levels, strings.ToLower(res.Data.RiskLevel))
	threshold := slices.Index(levels, rejectLevel)
	if level < 0 || threshold < 1 {
		return moderation.Result{}, fmt.Errorf("aliyun: %s: risk level %q (reject from %q) unknown (request %s)",
			Action, res.Data.RiskLevel, rejectLevel, res.RequestID)
	}
	out := moderation.Result{Decided: true, Rejected: level >= threshold, TraceID: res.RequestID}
	for _, l := range res.Data.Result {
		if l.Label != "" && l.Label != "nonLabel" {
			out.Labels = append(out.Labels, records.Label{Label: l.Label, Confidence: l.Confidence})
		}
	}
	return out, nil
}
