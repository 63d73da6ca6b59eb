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

// inline is how many conditions (the V4 ones included) and form fields a
// signature can have before it needs more than one allocation for them.
const inline = 14

// state is everything one Sign call builds besides strings, allocated once:
// the document encoding/json walks and the storage of the form's fields.
type state struct {
	doc        policyDoc
	items      [inline]any
	version    versionCond
	credential credentialCond
	date       dateCond
	token      tokenCond
	fields     [inline]Field
}

// document fills in the policy document: p's conditions in order, then the
// V4 mandatory ones. expiration is the formatted expiration, credential and
// date the x-oss-credential and x-oss-date values, token the security token
// or "".
func (s *state) document(p Policy, expiration, credential, date, token string) *policyDoc {
	s.version = versionCond{Algorithm}
	s.credential = credentialCond{credential}
	s.date = dateCond{date}
	s.token = tokenCond{token}
	items := s.items[:0]
	for i := range p.Conditions {
		items = append(items, p.Conditions[i].item())
	}
	items = append(items, &s.version, &s.credential, &s.date)
	if token != "" {
		items = append(items, &s.token)
	}
	s.doc = policyDoc{Expiration: expiration, Conditions: items}
	return &s.doc
}
