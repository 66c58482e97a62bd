package kc

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. Each edge maps them to its own status
// (HTTP status in web and api, exit code in cli).
const (
	EInvalid         = "invalid"
	ENotFound        = "not_found"
	EConflict        = "conflict"
	EForbidden       = "forbidden"
	EUnauthenticated = "unauthenticated"
	ERateLimited     = "rate_limited"
	EInternal        = "internal"
)

// Error is a domain error with a machine-readable Code, a locale catalog Key
// for the safe user-facing message (with its Args), an optional Field that
// the message is about, and the wrapped internal error for logs.
type Error struct {
	Code  string
	Key   string
	Args  []any
	Field string
	Err   error
}

// Error implements the error interface. It is meant for logs, never for users.
func (e *Error) Error() string {
	s := e.Code
	if e.Key != "" {
		s += ": " + e.Key
	}
	if e.Field != "" {
		s += " [" + e.Field + "]"
	}
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the wrapped internal error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a kc.Error with the given code, catalog key and arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError returns an EInvalid error about one input field.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: EInvalid, Key: key, Args: args, Field: field}
}

// ErrorCode returns the code of err, EInternal for errors that are not a
// kc.Error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EInternal
}

// AsError returns err as a *kc.Error; errors that are not one become an
// EInternal error with the generic "error.internal" key wrapping err.
func AsError(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{Code: EInternal, Key: "error.internal", Err: err}
}

// Errors collects several field errors so a form can show all of them at once.
type Errors []*Error

// Error implements error by joining the individual messages.
func (es Errors) Error() string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += "; "
		}
		s += e.Error()
	}
	return s
}

// Err returns nil when there are no errors, otherwise an EInvalid kc.Error
// that wraps the list, keyed "error.validation".
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Key: "error.validation", Err: es}
}

// FieldErrors returns the field errors carried by err, if any.
func FieldErrors(err error) Errors {
	if es, ok := errors.AsType[Errors](err); ok {
		return es
	}
	if e, ok := errors.AsType[*Error](err); ok && e.Field != "" {
		return Errors{e}
	}
	return nil
}

// Wrap sets the internal error and returns e, for chaining at creation.
func (e *Error) Wrap(err error) *Error { e.Err = err; return e }
