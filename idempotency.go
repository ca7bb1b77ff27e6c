package hansei

// StoredResponse is a stored answer to a mutating request.
type StoredResponse struct {
	Status      int
	ContentType string
	Body        []byte
}
