// Package server is Formloom's HTTP adapter: a thin Fiber v2 layer that maps
// routes to engine, builder and auth calls, authenticates requests, renders
// every error in one localized shape, and serves health, metrics, the
// OpenAPI document and the browser UI. It holds no business rules: every
// decision about data, permissions and validation is the engine's.
package server
