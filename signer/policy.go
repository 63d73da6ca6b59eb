package signer

import (
	"time"
)

// ExpirationLayout is the layout of the policy's "expiration" (ISO 8601,
// UTC, milliseconds), the form every official OSS sample uses.
const ExpirationLayout = "2006-01-02T15:04:05.000Z"

// Policy is a POST policy before signing. Expiration is converted to UTC and
// written with millisecond precision ([ExpirationLayout]); Conditions are
// written in order, followed by the conditions V4 requires, which [Sign]
// adds itself. Sign does not modify the Policy.
type Policy struct {
	Expiration time.Time
	Conditions []Condition
}

// policyDoc is the policy document as encoding/json writes it.
type policyDoc struct {
	Expiration string `json:"expiration"`
	Conditions []any  `json:"conditions"`
}

type bucketCond struct {
	Bucket string `json:"bucket"`
}

// The conditions V4 requires, as simple conditions {"field": "value"}.
type (
	versionCond struct {
		V string `json:"x-oss-signature-version"`
	}
	credentialCond struct {
		V string `json:"x-oss-credential"`
	}
	dateCond struct {
		V string `json:"x-oss-date"`
	}
	tokenCond struct {
		V string `json:"x-oss-security-token"`
	}
)

// inlineConditions is how many conditions (the V4 ones included) a policy
// can have before encoding it needs a second allocation.
const inlineConditions = 14

// document is everything encoding/json walks for one policy, allocated
// once per Sign.
type document struct {
	doc        policyDoc
	items      [inlineConditions]any
	version    versionCond
	credential credentialCond
	date       dateCond
	token      tokenCond
}

// newDocument returns the policy document: p's conditions in order, then
// the V4 mandatory ones. expiration is the formatted expiration, credential
// and date the x-oss-credential and x-oss-date values, token the security
// token or "".
func newDocument(p Policy, expiration, credential, date, token string) *policyDoc {
	d := &document{
		version:    versionCond{Algorithm},
		credential: credentialCond{credential},
		date:       dateCond{date},
		token:      tokenCond{token},
	}
	items := d.items[:0]
	for _, c := range p.Conditions {
		items = append(items, c.item)
	}
	items = append(items, &d.version, &d.credential, &d.date)
	if token != "" {
		items = append(items, &d.token)
	}
	d.doc = policyDoc{Expiration: expiration, Conditions: items}
	return &d.doc
}
