package web

// STUB: replaced by the web shell work.
func (s *Server) dashboardRoutes() {}
