package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.1 description of every /api/v1 route.
// openapi_test.go checks it against the registered routes in both
// directions, so a route added without documentation fails the tests.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIPath is the public URL of the OpenAPI document; authentication
// lets it through without a token.
const OpenAPIPath = "/api/v1/openapi.json"

func (x *API) openAPIRoutes() {
	x.handle("GET "+OpenAPIPath, x.serveOpenAPI)
}

// serveOpenAPI serves the embedded document.
func (x *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPIDocument)
}
