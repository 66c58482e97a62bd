package web

// STUB: replaced by the units work.
func (s *Server) unitRoutes() {}
