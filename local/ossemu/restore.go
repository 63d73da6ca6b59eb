package ossemu

import "net/http"

// restoreObject serves RestoreObject (POST /key?restore) for the storage
// classes the local OSS keeps: the "RestoreObject" page of the OSS API
// reference restores Archive, Cold Archive and Deep Cold Archive objects
// only, and answers 400 OperationNotSupported for any other object; a
// missing object is NoSuchKey. The archive classes are not emulated (a
// PutObject asking for one is refused), so every object here is of the
// other kind.
func (s *Server) restoreObject(q *request) error {
	o, err := s.openObject(q)
	if err != nil {
		return err
	}
	o.Close()
	return errorf(http.StatusBadRequest, "OperationNotSupported", "", "The operation is not supported for this resource")
}
