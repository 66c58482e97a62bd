package api

// STUB: replaced by the units work.
func (x *API) unitRoutes() {}
