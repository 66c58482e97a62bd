package api

// STUB: replaced by the web shell work.
func (x *API) establishmentRoutes() {}
