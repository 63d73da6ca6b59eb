package ossemu

import (
	"encoding/xml"
	"net/http"
)

// Object ACLs (PutObjectACL and GetObjectACL, ?acl; x-oss-object-acl on
// PutObject, CopyObject, InitiateMultipartUpload and PostObject): the OSS
// API reference pages of those operations. The emulator records an object's
// ACL and answers it; it does not enforce it, because it serves no anonymous
// request (every request is signed by a configured key, whose owner may
// read and write whatever the ACL says).

// objectACLs are the values x-oss-object-acl takes; "default" (inherit the
// bucket's) is what an object has when none was set.
var objectACLs = []string{"default", "private", "public-read", "public-read-write"}

// parseACL checks an x-oss-object-acl value; "" is no ACL given.
func parseACL(v string) (string, error) {
	for _, a := range objectACLs {
		if v == a {
			return v, nil
		}
	}
	if v == "" {
		return "", nil
	}
	return "", errInvalidArgument("no such object access control exists")
}

type accessControlPolicy struct {
	XMLName xml.Name  `xml:"AccessControlPolicy"`
	Owner   listOwner `xml:"Owner"`
	Grant   string    `xml:"AccessControlList>Grant"`
}

// objectACL serves GetObjectACL (GET ?acl) and PutObjectACL (PUT ?acl with
// x-oss-object-acl, which rewrites the object's metadata as a tag change
// does: same body, same last-modified time, no event).
func (s *Server) objectACL(q *request) error {
	o, err := s.openObject(q)
	if err != nil {
		return err
	}
	defer o.Close()
	if q.r.Method == http.MethodGet {
		acl := o.Meta.ACL
		if acl == "" {
			acl = "default"
		}
		return writeXML(q, accessControlPolicy{Owner: listOwner{ID: ownerID, DisplayName: ownerID}, Grant: acl})
	}
	acl, err := parseACL(q.r.Header.Get("x-oss-object-acl"))
	if err != nil {
		return err
	}
	if acl == "" {
		return errInvalidArgument("no such object access control exists")
	}
	meta := o.Meta
	meta.ACL = acl
	if err := s.rewrite(q.bucket, o, meta); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusOK)
	return nil
}
